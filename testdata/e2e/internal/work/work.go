// Package work is the request handler every end-to-end program serves: it
// reads the request body, takes a few milliseconds (so that requests are in
// flight when a restart comes), and answers with the pid of the process that
// served it, in the X-Pid header and the body, and the version of the build
// in the X-Version header.
package work

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

// Version names the build; a test sets it with
// -ldflags=-X=example.com/e2e/internal/work.Version=v2 to deploy a new one.
var Version = "v1"

var count atomic.Int64

// Handler returns the slow handler.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		// 2 to 20 ms, varied so that requests finish at different moments.
		time.Sleep(time.Duration(2+count.Add(1)%19) * time.Millisecond)
		w.Header().Set("X-Pid", PID())
		w.Header().Set("X-Version", Version)
		fmt.Fprintf(w, "ok %s\n", PID())
	})
}

// PID is this process's pid as text.
func PID() string {
	return fmt.Sprint(os.Getpid())
}
