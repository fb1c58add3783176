// Command cli links the converted package lib but never serves: it gets no
// zz_graceful.go and keeps its signals, output and exit codes. Its call of
// an interface's Close reaches no Close of a package it does not link
// (testhelp's server).
package main

import (
	"fmt"
	"io"
	"os"

	"example.com/golden/binaries/lib"
)

func main() {
	fmt.Println(lib.Version())
	var c io.Closer = os.Stdin
	c.Close()
}
