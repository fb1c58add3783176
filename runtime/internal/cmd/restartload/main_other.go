//go:build !linux

// Command restartload measures a server restarting under load. It reads
// /proc to follow the serving process, so it runs on Linux only.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "restartload: Linux only (it follows processes through /proc)")
	os.Exit(2)
}
