// Package generator is gracefulgen's engine: it loads packages, runs the
// analyzer on them, plans each package's new files (the rewritten call sites
// and zz_graceful.go), and then writes them all atomically, prints a diff, or
// reports whether anything would change.
//
// The stages live in files named for them, and call one way, each only
// the stages after it and the helpers below them:
//
//   - generator.go: Options and Run; the run's order (load, analyze, plan
//     or revert, then write, diff or check), and the -revert run, which
//     reads each zz_graceful.go's record and applies it.
//   - load.go: go/packages, and which packages are worth type-checking;
//     cgo.go type-checks the packages that use cgo from the user's files.
//   - analyze.go: the analyzer through go/analysis/checker: the module
//     alone (analyzer.Local), and its dependencies too when that finds
//     nothing, to name a framework start.
//   - binaries.go: the decisions made per binary (below).
//   - plan.go: sites to edits: each file's edits spliced and formatted,
//     each package's zz_graceful.go planned; constraints.go notes the files
//     the build constraints leave out.
//   - record.go: the revert record: built for each rewritten file and
//     verified by reverting it (revert.go) to the original bytes, encoded
//     into zz_graceful.go and parsed back.
//   - render.go: zz_graceful.go through package templates.
//   - revert.go: applies a record to a file (or reverts by structure where
//     the record no longer matches).
//   - write.go, modcheck.go, runtimedep.go: the all-or-nothing commit, the
//     module's runtime requirement and the build of what was written;
//     diff.go prints -diff.
//   - scan.go (shim uses and the syntax of users' files), splice.go (text
//     edits), files.go (reading files), errors.go (messages): helpers.
//
// The command line (flags, usage) is package
// github.com/gracefulgen/gracefulgen/cmd/gracefulgen/cli.
//
// A run exits 3 (ExitIncomplete) when server starts or listeners are left
// behind: each is named with its position and the reason, and the rest is
// converted. A listener served in one package and opened by a helper of
// another package of the module is converted where it is opened; a run that
// leaves that package out names the call.
//
// # Binaries
//
// binaries.go makes every decision per binary: for each main package of the
// run, the packages it links (go list -deps, among those of the run) decide
// its stop handling and restart signal, and only its zz_graceful.go holds
// the init that configures the runtime. A main package that links converted
// packages but reaches no server start (a conservative reference graph over
// functions, types and package variables, from main and every package's
// initialisation) is a CLI and gets nothing; one that serves through a
// library gets a zz_graceful.go with the init alone.
//
// # Revert record
//
// -revert restores the user's files byte for byte without reprinting them.
// zz_graceful.go ends with a record, one line comment per rewritten site and
// per changed import block, in source order:
//
//	//gracefulgen:call "main.go" gracefulListenAndServe func call "gracefulListenAndServe(addr, mux)" "http.ListenAndServe(addr, mux)"
//	//gracefulgen:imports "main.go" "<import block now>" "<import block before>"
//
// -revert finds the shim calls of each file in source order, and where the
// text of a call (or of the function literal that wraps a method value) is
// still the recorded one it puts the recorded original back. A call edited
// since generation is reverted by its structure instead (the shim name is
// replaced by the original callee, the receiver moved back in front), which
// compiles but may differ in layout; -v says so.
//
// # Deleted zz_graceful.go
//
// Calls to shims whose zz_graceful.go was deleted are type errors
// ("undefined: gracefulServe"), so the analyzer cannot see those packages. When
// every error of a package is such an undefined name, and the name has the
// form of a shim name (the shim name of one of analyzer.Forms, possibly numbered), the generator
// loads the package again with a provisional zz_graceful.go declaring those
// shims, and proceeds: the file is recreated. The revert record of those calls
// is lost with the file, so -revert later rebuilds them by structure.
package generator
