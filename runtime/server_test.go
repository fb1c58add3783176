package graceful

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestTimeoutDefaultsNeverOverrideTheApp(t *testing.T) {
	cfg := Config{}.withDefaults()
	zero := &http.Server{}
	applyTimeouts(zero, cfg)
	if zero.ReadHeaderTimeout != DefaultReadHeaderTimeout || zero.IdleTimeout != DefaultIdleTimeout || zero.WriteTimeout != 0 {
		t.Errorf("zero server got %v/%v/%v", zero.ReadHeaderTimeout, zero.IdleTimeout, zero.WriteTimeout)
	}
	set := &http.Server{ReadHeaderTimeout: time.Second, IdleTimeout: 2 * time.Second}
	applyTimeouts(set, cfg)
	if set.ReadHeaderTimeout != time.Second || set.IdleTimeout != 2*time.Second {
		t.Errorf("app values changed: %v/%v", set.ReadHeaderTimeout, set.IdleTimeout)
	}
	read := &http.Server{ReadTimeout: 3 * time.Second}
	applyTimeouts(read, cfg)
	if read.ReadHeaderTimeout != 0 || read.IdleTimeout != 0 {
		t.Errorf("ReadTimeout already bounds headers and idle time, yet got %v/%v", read.ReadHeaderTimeout, read.IdleTimeout)
	}
}

func TestDrainHandlerClosesConnectionsOnlyWhileLingering(t *testing.T) {
	p := newProcess()
	h := drainHandler{h: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), p: p}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if got := w.Header().Get("Connection"); got != "" {
		t.Errorf("Connection: %q while serving normally", got)
	}
	p.lingering.Store(true)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if got := w.Header().Get("Connection"); got != "close" {
		t.Errorf("Connection: %q while draining, want close", got)
	}
}
