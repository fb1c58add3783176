package graceful

import (
	"os"
	"time"
)

// Config is the process-wide configuration of the runtime. Generated code
// passes one from an init function of every package that starts a server;
// the zero value of every field means "use the default".
type Config struct {
	// RestartSignal starts a zero-downtime restart. Default SIGHUP.
	RestartSignal os.Signal
	// DrainTimeout bounds how long a stopping process finishes the requests
	// and connections it has before it closes them. Default 30s.
	DrainTimeout time.Duration
	// StartTimeout bounds how long a new process may take to become ready
	// before the old one kills it and keeps serving. Default 60s.
	StartTimeout time.Duration
	// ReadHeaderTimeout applies to servers whose ReadHeaderTimeout and
	// ReadTimeout are both zero: enforced by the runtime for plain HTTP/1
	// servers on its listeners (see "Servers" in the package doc), given
	// to the others. Default 10s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout applies to servers whose IdleTimeout and ReadTimeout are
	// both zero, as ReadHeaderTimeout does. Default 120s.
	IdleTimeout time.Duration
	// AppHandlesStop says that the program runs its own shutdown on SIGTERM
	// or SIGINT: the runtime then leaves those signals to the program and
	// does nothing on them (a program that goes on serving for a while, for
	// its load balancer, keeps its listeners). It drains every server it
	// knows once the program calls Shutdown on one of them (or
	// graceful.Shutdown), and does not exit: the serving functions return
	// http.ErrServerClosed once drained.
	AppHandlesStop bool
	// AppStopAfterHandover says whether the old process of a restart runs
	// the program's own stop path once it has drained. Default false: after
	// a handover the old process drains every server it knows and exits 0
	// without running any stop code of the program, because that code
	// assumes it is the last process (it removes lock and pid files and
	// unix sockets the new process now owns, deregisters the instance, or
	// calls os.Exit while requests are in flight). Set, the old process
	// sends itself SIGTERM only after everything drained, so the program's
	// stop path runs and cuts nothing (it must then leave the new
	// process's files alone); it exits 0 itself if the program is still
	// running appStopGrace later. A real stop (SIGTERM, SIGINT) is not
	// affected.
	AppStopAfterHandover bool
	// Logger receives one line per runtime event (a *slog.Logger, or any
	// Logger). Default: the standard logger (package log), each line as
	// slog's default handler writes it.
	Logger Logger
	// ReadyTimeout is how long a new process waits, after it started
	// serving, for the inherited sockets it has not asked for yet before it
	// declares itself ready anyway (the new version may need fewer sockets
	// than the old one, or start a server late). Those sockets stay open,
	// holding their connections, until the program asks for them or
	// StartTimeout has passed since it started. Default 5s.
	ReadyTimeout time.Duration
	// ManualReady says that the program calls Ready itself when it is ready
	// (for instance after warming caches that it fills once serving): the
	// runtime then never declares readiness on its own, and a new process
	// that does not call Ready within StartTimeout is a failed restart.
	ManualReady bool
	// PIDFile, when set, is a file that always names the serving process
	// (the supervisor in supervisor mode): written atomically once the
	// process is ready, rewritten by each new process of a restart, and
	// removed at a real stop.
	PIDFile string
	// StopDelay is how long a process that receives SIGTERM or SIGINT goes
	// on serving, listeners open, before it drains: time for a load
	// balancer (a Kubernetes endpoint controller) to stop sending it new
	// connections. Default 0. A restart's handover is never delayed.
	StopDelay time.Duration
	// Supervise runs the process in supervisor mode (automatic when it is
	// PID 1, and with GRACEFUL_SUPERVISE=1; GRACEFUL_SUPERVISE=0 turns the
	// automatic mode off): a small parent that holds the sockets and runs
	// the server as its child. It takes effect at the first Configure or
	// serving call that asks for it.
	Supervise bool
}

// Defaults of Config, applied to zero-valued fields. They live in package
// defaults, which the gracefulgen command reads too.
const (
	DefaultDrainTimeout      = 30 * time.Second
	DefaultStartTimeout      = 60 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultReadyTimeout      = 5 * time.Second
)

// keepAliveLinger is how long a draining process keeps answering requests on
// connections it already has, with keep-alives off, before it shuts its
// servers down: busy keep-alive connections then end cleanly with
// "Connection: close" instead of being cut while a client sends on them.
const keepAliveLinger = time.Second

// maxKeepAliveLinger bounds how long the linger goes on after keepAliveLinger
// while connections remain open. A connection that sat idle through the
// first second is the one a client's pool hands out next; closing it from
// the server side races the client's next request on it (a POST is then
// lost), so the drain waits for it to carry that request, answered with
// "Connection: close", or for the client to close it.
const maxKeepAliveLinger = 4 * time.Second

// Configure sets the process-wide configuration and installs the restart and
// stop signal handlers. It may be called several times (generated code calls
// it once, from an init function of the main package): AppHandlesStop,
// AppStopAfterHandover, ManualReady and Supervise are ORed, every other
// non-zero field replaces the value set before. A program that never calls
// it gets the defaults, and the runtime turns on at its first Listen or
// serving call: a binary that never serves (a CLI, a test binary) is then
// left exactly as it was.
func Configure(c Config) {
	p := theProcess
	p.mu.Lock()
	p.cfg = merge(p.cfg, c)
	p.mu.Unlock()
	if c.Logger != nil {
		SetLogger(c.Logger)
	}
	// In package initialisation (generated code) the runtime turns on
	// without waiting for the stop signals to be caught (see begin).
	if !p.begin() {
		p.start()
	}
}

// merge returns old with the non-zero fields of c laid over it; the boolean
// fields are ORed.
func merge(old, c Config) Config {
	if c.RestartSignal != nil {
		old.RestartSignal = c.RestartSignal
	}
	if c.DrainTimeout != 0 {
		old.DrainTimeout = c.DrainTimeout
	}
	if c.StartTimeout != 0 {
		old.StartTimeout = c.StartTimeout
	}
	if c.ReadHeaderTimeout != 0 {
		old.ReadHeaderTimeout = c.ReadHeaderTimeout
	}
	if c.IdleTimeout != 0 {
		old.IdleTimeout = c.IdleTimeout
	}
	if c.ReadyTimeout != 0 {
		old.ReadyTimeout = c.ReadyTimeout
	}
	if c.Logger != nil {
		old.Logger = c.Logger
	}
	if c.PIDFile != "" {
		old.PIDFile = c.PIDFile
	}
	if c.StopDelay != 0 {
		old.StopDelay = c.StopDelay
	}
	old.Supervise = old.Supervise || c.Supervise
	old.AppHandlesStop = old.AppHandlesStop || c.AppHandlesStop
	old.AppStopAfterHandover = old.AppStopAfterHandover || c.AppStopAfterHandover
	old.ManualReady = old.ManualReady || c.ManualReady
	return old
}

// withDefaults fills the zero fields of c with the defaults.
func (c Config) withDefaults() Config {
	return merge(Config{
		RestartSignal:     SIGHUP,
		DrainTimeout:      DefaultDrainTimeout,
		StartTimeout:      DefaultStartTimeout,
		ReadHeaderTimeout: DefaultReadHeaderTimeout,
		IdleTimeout:       DefaultIdleTimeout,
		ReadyTimeout:      DefaultReadyTimeout,
	}, c)
}

// config returns the effective configuration.
func (p *process) config() Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cfg.withDefaults()
}
