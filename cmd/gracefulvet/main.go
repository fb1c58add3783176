// Command gracefulvet reports the net/http servers of a program that cannot
// restart with zero downtime, and the servers without a ReadHeaderTimeout.
//
// It runs the analyzer of gracefulgen, either as a vet tool:
//
//	go vet -vettool=$(command -v gracefulvet) ./...
//
// or on its own, where -fix applies the suggested fixes (the timeout ones;
// making a server restartable is gracefulgen's job) and -tags selects the
// build tags:
//
//	gracefulvet [-fix] [-tags tag,list] ./...
//
// or as a fix tool, which applies the same fixes:
//
//	go fix -fixtool=$(command -v gracefulvet) ./...
//
// It exits with status 0 when it reports nothing, 3 when it reports (so a CI
// can keep a converted program converted) and 1 on failure; go vet exits 1
// when the tool reports.
//
// Only the files of the chosen build configuration are analysed: a server
// started in a file behind a build tag that is not set is not seen. Pass
// the tags with -tags (go vet -tags for the vet tool). Test files are never
// reported, so the standalone mode skips them unless -test is given.
package main

import (
	"os"

	"golang.org/x/tools/go/analysis/singlechecker"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

func main() {
	os.Args = standaloneArgs(os.Args)
	singlechecker.Main(analyzer.Analyzer)
}
