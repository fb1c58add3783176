// Package generator is gracefulgen's engine: it loads packages, runs the
// analyzer on them, plans each package's new files (the rewritten call sites
// and zz_graceful.go), and then writes them all atomically, prints a diff, or
// reports whether anything would change.
//
// The stages live in files named for them: load.go (go/packages), analyze.go
// (the analyzer through go/analysis/checker), plan.go (edits, formatting and
// the revert record of each file), render.go (zz_graceful.go through package
// templates), revert.go (-revert), write.go (the all-or-nothing commit),
// diff.go, errors.go and runtimedep.go (the user's module must provide the
// runtime), cgo.go (packages that use cgo are type-checked from the user's
// own files).
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
