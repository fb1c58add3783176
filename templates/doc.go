// Package templates holds the shapes of the code gracefulgen generates, built
// with jennifer: one builder per kind of shim (package function, *http.Server
// method, listener) and the frame of zz_graceful.go (header, imports, the init
// function that configures the runtime, and the revert record).
//
// The package knows nothing about how sites are found or files are written:
// it turns a [File] description into formatted Go source, deterministically.
package templates
