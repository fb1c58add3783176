package graceful

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// SCAFFOLD: signatures agreed between runtime, templates and generator.
// The runtime helper replaces every body; signatures change only by agreement.

// Config is the process-wide configuration that generated code passes to
// Configure from an init function.
type Config struct {
	RestartSignal     os.Signal     // default syscall.SIGHUP
	DrainTimeout      time.Duration // default 30s
	StartTimeout      time.Duration // default 60s: child must be ready within it
	ReadHeaderTimeout time.Duration // default for servers whose value is zero
	IdleTimeout       time.Duration // default for servers whose value is zero
	AppHandlesStop    bool          // the app runs its own SIGTERM/SIGINT shutdown
	Logger            *slog.Logger
}

// Configure sets the process-wide configuration and installs the signal handlers.
func Configure(c Config) { panic("scaffold") }

// Ready tells the runtime the app is ready to serve (explicit readiness).
func Ready() { panic("scaffold") }

// OnShutdown registers f to run when the process begins draining.
func OnShutdown(f func()) { panic("scaffold") }

// SetLogger replaces the logger used for runtime events.
func SetLogger(l *slog.Logger) { panic("scaffold") }

// Shutdown drains every server of the process, bounded by ctx.
func Shutdown(ctx context.Context) error { panic("scaffold") }

// Listen is net.Listen that adopts an inherited socket.
func Listen(network, address string) (net.Listener, error) { panic("scaffold") }

// ListenConfig is (*net.ListenConfig).Listen that adopts an inherited socket.
func ListenConfig(lc *net.ListenConfig, ctx context.Context, network, address string) (net.Listener, error) {
	panic("scaffold")
}

func ListenAndServe(addr string, handler http.Handler) error { panic("scaffold") }
func ListenAndServeTLS(addr, certFile, keyFile string, handler http.Handler) error {
	panic("scaffold")
}
func Serve(l net.Listener, handler http.Handler) error { panic("scaffold") }
func ServeTLS(l net.Listener, handler http.Handler, certFile, keyFile string) error {
	panic("scaffold")
}
func ServerListenAndServe(srv *http.Server) error { panic("scaffold") }
func ServerListenAndServeTLS(srv *http.Server, certFile, keyFile string) error {
	panic("scaffold")
}
func ServerServe(srv *http.Server, l net.Listener) error { panic("scaffold") }
func ServerServeTLS(srv *http.Server, l net.Listener, certFile, keyFile string) error {
	panic("scaffold")
}
