package harness

import (
	"fmt"
	"net/http"
	"strings"
	"syscall"

	"github.com/gracefulgen/gracefulgen/bench/handler"
	"github.com/gracefulgen/gracefulgen/internal/testsupport"
)

// Row is one restart mechanism under test.
type Row struct {
	Name string // short name, used by -rows
	// Server is the server program's directory under the bench module.
	Server string
	// Convert says the program is Server converted by the gracefulgen
	// command, not Server as written.
	Convert bool
	// Signal triggers a restart.
	Signal syscall.Signal
	// StopStart says a restart is stopping the process with Signal and
	// starting the binary again (the baseline), not a handover.
	StopStart bool
	// How is one line for the table's notes: how the row restarts.
	How string
}

// Rows are every row of the table, in order.
var Rows = []Row{
	{Name: "gracefulgen", Server: "servers/plain", Convert: true, Signal: syscall.SIGHUP,
		How: "servers/plain converted by the gracefulgen command; SIGHUP"},
	{Name: "tableflip", Server: "servers/tableflip", Signal: syscall.SIGHUP,
		How: "cloudflare/tableflip v1.2.3 as its net/http example (Upgrade on SIGHUP, Shutdown after Exit); SIGHUP"},
	{Name: "endless", Server: "servers/endless", Signal: syscall.SIGHUP,
		How: "fvbock/endless endless.ListenAndServe as its README; SIGHUP"},
	{Name: "grace", Server: "servers/grace", Signal: syscall.SIGUSR2,
		How: "facebookgo/grace gracehttp.Serve as its README and demo; SIGUSR2"},
	{Name: "fdpass", Server: "servers/fdpass", Signal: syscall.SIGHUP,
		How: "hand-written recipe: fd 3 via ExtraFiles, child SIGTERMs Getppid, WaitGroup over conns, no Shutdown; SIGHUP"},
	{Name: "stopstart", Server: "servers/plain", Signal: syscall.SIGTERM, StopStart: true,
		How: "plain net/http: SIGTERM, wait for exit, start the binary again (baseline)"},
}

// SelectRows returns the rows named in the comma-separated list names, in
// table order; an empty list selects every row.
func SelectRows(names string) ([]Row, error) {
	if strings.TrimSpace(names) == "" {
		return Rows, nil
	}
	want := map[string]bool{}
	for _, n := range strings.Split(names, ",") {
		want[strings.TrimSpace(n)] = true
	}
	var out []Row
	for _, r := range Rows {
		if want[r.Name] {
			out = append(out, r)
			delete(want, r.Name)
		}
	}
	if len(want) > 0 {
		var known []string
		for _, r := range Rows {
			known = append(known, r.Name)
		}
		var unknown []string
		for n := range want {
			unknown = append(unknown, n)
		}
		return nil, fmt.Errorf("unknown rows %q: choose among %s", unknown, strings.Join(known, ","))
	}
	return out, nil
}

// benchModes are the client modes the benchmark runs side by side, in
// table order.
var benchModes = []testsupport.Mode{testsupport.KeepAliveGET, testsupport.KeepAlivePOST, testsupport.NewConnGET, testsupport.H2C}

// http1Modes are the modes that speak HTTP/1.1 only, which any server
// accepts.
var http1Modes = []testsupport.Mode{testsupport.KeepAliveGET, testsupport.KeepAlivePOST, testsupport.NewConnGET}

// loadConfig is a load of url, in modes, by workers per mode, that counts
// an answer only when it is the benchmark handler's (pid and generation).
func loadConfig(url string, modes []testsupport.Mode, workers int) (testsupport.Config, error) {
	target, err := testsupport.ParseTarget(url)
	if err != nil {
		return testsupport.Config{}, err
	}
	return testsupport.Config{Target: target, Modes: modes, Workers: workers, Identify: identify}, nil
}

// identify reads the serving process's pid and generation from an answer
// of the benchmark handler.
func identify(_ *http.Response, body []byte) (int, string, error) { return handler.Identity(body) }
