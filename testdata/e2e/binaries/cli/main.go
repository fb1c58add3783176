// Command cli links the converted package lib but never serves. It prints
// a greeting, its arguments and the environment variables of the restart
// protocol as it sees them; with -wait it then waits for a signal, as a
// long batch job would.
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"example.com/e2e/binaries/lib"
)

func main() {
	wait := flag.Bool("wait", false, "wait a minute after printing")
	flag.Parse()
	fmt.Println(lib.Greeting(), flag.Args())
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GRACEFUL_") || strings.HasPrefix(kv, "LISTEN_") || strings.HasPrefix(kv, "NOTIFY_SOCKET") {
			env = append(env, kv)
		}
	}
	sort.Strings(env)
	fmt.Println("env:", env)
	fmt.Fprintln(os.Stderr, "done on stderr")
	if *wait {
		fmt.Println("waiting")
		time.Sleep(time.Minute)
		os.Exit(3)
	}
}
