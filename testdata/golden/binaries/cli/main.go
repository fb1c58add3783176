// Command cli links the converted package lib but never serves: it gets no
// zz_graceful.go and keeps its signals, output and exit codes.
package main

import (
	"fmt"

	"example.com/golden/binaries/lib"
)

func main() {
	fmt.Println(lib.Version())
}
