package templates

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// Shim describes one package-local function of zz_graceful.go.
type Shim struct {
	Name string
	Form *analyzer.Form // the start form whose sites the shim serves

	// Serves names the sites the shim serves, e.g. "http.ListenAndServe in func main (main.go)".
	Serves []string
}

// typeOf renders a type of the forms' table.
func typeOf(t analyzer.Type) *jen.Statement {
	s := jen.Null()
	if t.Slice {
		s = jen.Index()
	}
	if t.Ptr {
		s = s.Op("*")
	}
	if t.Path == "" {
		return s.Id(t.Name)
	}
	return s.Qual(t.Path, t.Name)
}

// shim builds the declaration of s from its form:
//
//	// gracefulListenAndServe makes http.ListenAndServe in func main (main.go) restartable.
//	func gracefulListenAndServe(addr string, handler http.Handler) error {
//		return graceful.ListenAndServe(addr, handler)
//	}
func shim(s Shim) (*jen.Statement, error) {
	f := s.Form
	if f == nil {
		return nil, fmt.Errorf("shim %s: no start form", s.Name)
	}
	for _, p := range f.Params {
		if p.Type.FromCallee {
			return nil, fmt.Errorf("shim %s: the type of its parameter %s is that of %s's, which is not known here", s.Name, p.Name, f)
		}
	}
	var params, args []jen.Code
	for i, p := range f.Params {
		if f.Variadic && i == len(f.Params)-1 {
			params = append(params, jen.Id(p.Name).Op("...").Add(typeOf(p.Type)))
			args = append(args, jen.Id(p.Name).Op("..."))
			continue
		}
		params = append(params, jen.Id(p.Name).Add(typeOf(p.Type)))
		args = append(args, jen.Id(p.Name))
	}
	var results []jen.Code
	for _, t := range f.Results {
		results = append(results, typeOf(t))
	}
	result := jen.Add(results[0])
	if len(results) > 1 {
		result = jen.Parens(jen.List(results...))
	}
	var body []jen.Code
	switch f.Body {
	case analyzer.BodyReturn:
		body = []jen.Code{jen.Return(jen.Qual(RuntimePath, f.Runtime).Call(args...))}
	case analyzer.BodyH2C:
		body = h2cBody(f)
	case analyzer.BodyGin:
		body = ginBody(f)
	case analyzer.BodyEcho:
		body = echoBody(f)
	case analyzer.BodyServeWith:
		body = serveWithBody(f)
	case analyzer.BodyWebListenAndServe:
		body = webListenAndServeBody(f)
	case analyzer.BodyDNS:
		body = dnsBody(f)
	default:
		return nil, fmt.Errorf("shim %s: no template for body %d of %s", s.Name, f.Body, f)
	}
	if body == nil {
		return nil, fmt.Errorf("shim %s: no template for %s", s.Name, f)
	}
	return jen.Comment(comment(s)).Line().
		Func().Id(s.Name).Params(params...).Add(result).Block(body...), nil
}

// comment is the doc comment of a shim, naming the sites it serves. It
// starts with "//" so that jennifer writes it as it is, lines included.
func comment(s Shim) string {
	c := "// " + s.Name + " makes "
	switch len(s.Serves) {
	case 0:
		return c + "a server start restartable through the gracefulgen runtime."
	case 1:
		return c + s.Serves[0] + " restartable."
	}
	c += "these calls restartable:"
	for i, site := range s.Serves {
		sep := ","
		if i == len(s.Serves)-1 {
			sep = "."
		}
		c += "\n//   - " + site + sep
	}
	return c
}

// h2cBody is the body of the h2c.NewHandler shim (analyzer.BodyH2C). x/net's
// HTTP/2 server tracks its connections, and sends each a GOAWAY when the
// http.Server it was configured on shuts down, only once ConfigureServer
// registered it on one; an h2c handler's connections are hijacked, so the
// server that serves them never sees them. The shim configures s on a
// private server that is never served and shuts that server down when the
// runtime drains, then returns the handler the call would have. A user who
// also configured s on the server itself (http2.ConfigureServer(srv, s), for
// h2 over TLS beside h2c) keeps that working: ConfigureServer gives s a new
// connection registry each time, so the registration made last holds every
// connection; if that is the shim's, the runtime's OnShutdown sends their
// GOAWAY, and if it is the user's, the drain's srv.Shutdown does:
//
//	hs := &http.Server{}
//	if err := http2.ConfigureServer(hs, s); err == nil {
//		graceful.OnShutdown(func() { hs.Shutdown(context.Background()) })
//	}
//	return h2c.NewHandler(h, s)
func h2cBody(f *analyzer.Form) []jen.Code {
	h, s := jen.Id(f.Params[0].Name), jen.Id(f.Params[1].Name)
	http2 := f.Params[1].Type.Path
	return []jen.Code{
		jen.Id("hs").Op(":=").Op("&").Qual("net/http", "Server").Values(),
		jen.If(jen.Err().Op(":=").Qual(http2, "ConfigureServer").Call(jen.Id("hs"), s), jen.Err().Op("==").Nil()).Block(
			jen.Qual(RuntimePath, f.Runtime).Call(jen.Func().Params().Block(
				jen.Id("hs").Dot("Shutdown").Call(jen.Qual("context", "Background").Call()),
			)),
		),
		jen.Return(jen.Qual(f.Pkg, string(f.Op)).Call(h, s)),
	}
}
