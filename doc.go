// Package gracefulgen makes plain net/http programs restart with zero
// downtime, with no hand edits.
//
// The module holds the analyzer (package analyzer and the gracefulvet
// command), which finds server starts by type; the generator (package
// generator, package templates and the gracefulgen command), which rewrites
// those starts into calls of package-local shims and writes zz_graceful.go
// beside them; and, as its own module, the runtime
// (github.com/gracefulgen/gracefulgen/runtime, package graceful) that the
// generated code calls.
//
// This root package holds no code: its tests run every program of
// testdata/golden through the generator, compare the results with the
// golden files, build them, and revert them; and run the command-line
// scripts of testdata/script.
package gracefulgen
