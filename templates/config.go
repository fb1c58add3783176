package templates

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"
)

// Config holds the runtime settings baked into the init function of the
// zz_graceful.go of a main package (File.Configure). Each field becomes the
// field of graceful.Config of the same name.
type Config struct {
	RestartSignal     string // a signal constant of the runtime package, e.g. "SIGHUP"
	DrainTimeout      time.Duration
	StartTimeout      time.Duration
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	AppHandlesStop    bool

	// AppStopAfterHandover lets the app's own stop code run in an old
	// process after a restart, once everything drained. Written only when
	// set: the default (false) is the runtime's.
	AppStopAfterHandover bool

	// Deployment settings, written only when set, so that the files of
	// programs that do not use them stay as they were.
	PIDFile   string        // a file that always names the serving process
	StopDelay time.Duration // serve on for this long after SIGTERM before draining
	Supervise bool          // run a supervisor parent even when not PID 1

	// SlogDefault: the binary links log/slog, so the runtime's lines go to
	// slog's default logger (Logger: slogdefault.Logger()), where a handler
	// the program installs receives them as records.
	SlogDefault bool
}

// Signals lists the restart signals gracefulgen accepts. Generated code
// names them through the runtime package (graceful.SIGHUP), which declares
// them on every platform, so a converted program builds for js/wasm and
// Windows too (where restarts are unavailable).
var Signals = []string{"SIGHUP", "SIGUSR1", "SIGUSR2"}

// configure builds:
//
//	func init() {
//		graceful.Configure(graceful.Config{RestartSignal: graceful.SIGHUP, ...})
//	}
func configure(c Config) *jen.Statement {
	// One field per line, in the order of graceful.Config.
	fields := []jen.Code{
		jen.Id("RestartSignal").Op(":").Qual(RuntimePath, c.RestartSignal),
	}
	// A zero timeout is left out: the runtime applies its own default.
	for _, d := range []struct {
		name  string
		value time.Duration
	}{
		{"DrainTimeout", c.DrainTimeout},
		{"StartTimeout", c.StartTimeout},
		{"ReadHeaderTimeout", c.ReadHeaderTimeout},
		{"IdleTimeout", c.IdleTimeout},
	} {
		if d.value != 0 {
			fields = append(fields, jen.Id(d.name).Op(":").Add(duration(d.value)))
		}
	}
	fields = append(fields, jen.Id("AppHandlesStop").Op(":").Lit(c.AppHandlesStop))
	if c.PIDFile != "" {
		fields = append(fields, jen.Id("PIDFile").Op(":").Lit(c.PIDFile))
	}
	if c.StopDelay != 0 {
		fields = append(fields, jen.Id("StopDelay").Op(":").Add(duration(c.StopDelay)))
	}
	if c.Supervise {
		fields = append(fields, jen.Id("Supervise").Op(":").Lit(true))
	}
	if c.AppStopAfterHandover {
		fields = append(fields, jen.Id("AppStopAfterHandover").Op(":").Lit(true))
	}
	if c.SlogDefault {
		fields = append(fields, jen.Id("Logger").Op(":").Qual(RuntimePath+"/slogdefault", "Logger").Call())
	}
	literal := jen.Options{Open: "{", Close: "}", Separator: ",", Multi: true}
	comment := "init turns the restart runtime on for this program before main runs, so that a restart signal arriving during start-up is held until it serves."
	if c.AppHandlesStop {
		comment += " The program handles SIGTERM/SIGINT itself, so a real stop is left to it."
	}
	if c.AppStopAfterHandover {
		comment += " After a restart, the old process runs the program's stop code once it has drained."
	}
	return comments(comment).
		Func().Id("init").Params().Block(
		jen.Qual(RuntimePath, "Configure").Call(
			jen.Qual(RuntimePath, "Config").Custom(literal, fields...),
		),
	)
}

// duration renders d in the largest unit that divides it: 30 * time.Second,
// 1500 * time.Millisecond, or time.Duration(n) for odd values.
func duration(d time.Duration) *jen.Statement {
	units := []struct {
		name string
		d    time.Duration
	}{{"Hour", time.Hour}, {"Minute", time.Minute}, {"Second", time.Second}, {"Millisecond", time.Millisecond}, {"Microsecond", time.Microsecond}}
	if d == 0 {
		return jen.Lit(0)
	}
	for _, u := range units {
		if d%u.d == 0 {
			if d == u.d {
				return jen.Qual("time", u.name)
			}
			return jen.Lit(int(d/u.d)).Op("*").Qual("time", u.name)
		}
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int(d)))
}

// ValidSignal reports an error unless name is one of Signals.
func ValidSignal(name string) error {
	for _, s := range Signals {
		if s == name {
			return nil
		}
	}
	return fmt.Errorf("unknown restart signal %q: use one of %v", name, Signals)
}

// comments renders text as line comments wrapped at about 76 columns, each
// followed by a new line.
func comments(text string) *jen.Statement {
	st := jen.Null()
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > 76 {
			st.Comment(line).Line()
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		st.Comment(line).Line()
	}
	return st
}
