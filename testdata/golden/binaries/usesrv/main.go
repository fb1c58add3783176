// Command usesrv starts no server in its own package but serves through
// lib.Serve: its zz_graceful.go holds only the init that configures the
// runtime.
package main

import (
	"log"

	"example.com/golden/binaries/lib"
)

func main() {
	log.Fatal(lib.Serve(":8082"))
}
