package analyzer

import (
	"go/types"
	"strings"
)

// frameworkStart is a method or function of a dependency that starts a
// net/http server inside that dependency, where no rewrite can reach it.
// The framework starts gracefulgen converts are forms (Forms); these are
// the rest.
type frameworkStart struct {
	pkg, recv, name string
	op              Op
	// reason replaces the general advice where a precise one exists: why
	// it is not converted, and the converted call to use instead.
	reason string
}

// frameworkStarts lists the known ones, by package path, receiver type name
// and method name.
var frameworkStarts = []frameworkStart{
	{"github.com/gin-gonic/gin", "Engine", "RunFd", OpServe,
		"gin's RunFd serves a socket inherited by descriptor number, which a restart cannot hand over; listen with net.Listen and call RunListener(l), which gracefulgen converts (a socket passed by systemd socket activation is adopted by address)"},
	{"github.com/gin-gonic/gin", "Engine", "RunQUIC", OpListenAndServeTLS,
		"gin's RunQUIC serves HTTP/3 over UDP (quic-go), which restarts do not hand over; serve HTTP/1 and HTTP/2 with RunTLS, which gracefulgen converts"},
	{"github.com/labstack/echo/v5", "StartConfig", "StartTLS", OpListenAndServeTLS,
		"echo v5's StartConfig.StartTLS builds its TLS listener inside; load the certificate into the config's TLSConfig (tls.LoadX509KeyPair) and call its Start(ctx, h), which gracefulgen converts"},
	{"github.com/labstack/echo", "Echo", "Start", OpListenAndServe, ""},
	{"github.com/labstack/echo", "Echo", "StartTLS", OpListenAndServeTLS, ""},
	{"github.com/labstack/echo", "Echo", "StartServer", OpListenAndServe, ""},
	{"github.com/urfave/negroni", "Negroni", "Run", OpListenAndServe, ""},
	{"github.com/urfave/negroni/v3", "Negroni", "Run", OpListenAndServe, ""},
	{"github.com/go-martini/martini", "Martini", "RunOnAddr", OpListenAndServe, ""},
	{"github.com/go-martini/martini", "Martini", "Run", OpListenAndServe, ""},
	{"github.com/kataras/iris/v12", "Application", "Listen", OpListenAndServe, ""},
	{"github.com/kataras/iris/v12", "Application", "Run", OpListenAndServe, ""},
	{"github.com/gobuffalo/buffalo", "App", "Serve", OpListenAndServe, ""},
	{"github.com/beego/beego/v2/server/web", "", "Run", OpListenAndServe, ""},
	{"github.com/beego/beego/v2/server/web", "HttpServer", "Run", OpListenAndServe, ""},
}

// frameworkOf returns the framework start fn is, if it is one.
func frameworkOf(fn *types.Func) (frameworkStart, bool) {
	if fn.Pkg() == nil {
		return frameworkStart{}, false
	}
	path, recv := fn.Pkg().Path(), receiverName(fn)
	for _, f := range frameworkStarts {
		if f.pkg == path && f.recv == recv && f.name == fn.Name() {
			return f, true
		}
	}
	return frameworkStart{}, false
}

// isFrameworkPath reports whether path is a package of frameworkStarts.
func isFrameworkPath(path string) bool {
	for _, f := range frameworkStarts {
		if f.pkg == path {
			return true
		}
	}
	return false
}

// frameworkNames is the set of names of frameworkStarts, for the scan's
// quick name filter.
func frameworkNames() []string {
	var names []string
	for _, f := range frameworkStarts {
		names = append(names, f.name)
	}
	return names
}

// shortPkg is the last element of a package path, without a /vN suffix.
func shortPkg(path string) string {
	parts := strings.Split(path, "/")
	last := parts[len(parts)-1]
	if len(parts) > 1 && len(last) > 1 && last[0] == 'v' && strings.Trim(last[1:], "0123456789") == "" {
		last = parts[len(parts)-2]
	}
	return last
}
