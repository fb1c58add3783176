// Command gracefulgen makes plain net/http programs restart with zero
// downtime. It rewrites the calls that start servers (http.ListenAndServe,
// srv.Serve, net.Listen, ...) into calls of package-local functions, and
// writes zz_graceful.go beside them, which wires those functions into the
// gracefulgen runtime.
//
// Usage:
//
//	gracefulgen [flags] [packages]
//
// With no packages it works on the package in the current directory, so a
// //go:generate go run github.com/gracefulgen/gracefulgen/cmd/gracefulgen@version
// line works in any file of a package (and leaves the module's go line alone).
// Run gracefulgen -h for the flags.
//
// Exit codes: 0 success (or nothing to change), 1 -check or -diff found
// changes, 2 errors (nothing was written), 3 server starts or listeners
// left behind (each named with its position and reason).
package main

import (
	"os"

	"github.com/gracefulgen/gracefulgen/cmd/gracefulgen/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
