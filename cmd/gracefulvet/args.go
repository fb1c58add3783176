package main

import (
	"os"
	"strings"
)

// standaloneArgs adapts the command line of the standalone mode to the
// analysis driver: the driver has no -tags flag, so -tags is moved into
// GOFLAGS, which the package loader passes to the go command; and test
// files, which the analyzer never reports, are not loaded unless -test is
// given. A vet-tool invocation (a .cfg argument, -V or -flags) is left alone.
func standaloneArgs(args []string) []string {
	for _, arg := range args[1:] {
		if strings.HasSuffix(arg, ".cfg") || strings.HasPrefix(arg, "-V") || arg == "-flags" {
			return args
		}
	}
	out := []string{args[0], "-test=false"}
	for i := 1; i < len(args); i++ {
		arg := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if !strings.HasPrefix(arg, "-") || name != "tags" {
			out = append(out, arg)
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		os.Setenv("GOFLAGS", strings.TrimSpace(os.Getenv("GOFLAGS")+" -tags="+value))
	}
	return out
}
