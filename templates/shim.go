package templates

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// Shim describes one package-local function of zz_graceful.go.
type Shim struct {
	Name         string
	Kind         analyzer.Kind
	Op           analyzer.Op
	ListenConfig bool // receiver is *net.ListenConfig (Kind method, Op Listen)

	// Serves names the sites the shim serves, e.g. "http.ListenAndServe in func main (main.go)".
	Serves []string
}

// param is one parameter of a shim: a name and its type.
type param struct {
	name string
	typ  *jen.Statement
}

func str(name string) param { return param{name, jen.String()} }
func handler() param        { return param{"handler", jen.Qual("net/http", "Handler")} }
func listener() param       { return param{"l", jen.Qual("net", "Listener")} }
func server() param         { return param{"srv", jen.Op("*").Qual("net/http", "Server")} }
func certKey() []param      { return []param{str("certFile"), str("keyFile")} }

// join concatenates groups of parameters.
func join(groups ...[]param) []param {
	var out []param
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// signature is the shape of one kind of shim: its parameters, the runtime
// function it calls, and whether it returns a listener.
type signature struct {
	params   []param
	runtime  string
	listener bool
}

// signatureOf returns the signature of s, following COMMON.md's table.
func signatureOf(s Shim) (signature, error) {
	switch {
	case s.Kind == analyzer.KindFunc:
		switch s.Op {
		case analyzer.OpListenAndServe:
			return signature{join([]param{str("addr"), handler()}), "ListenAndServe", false}, nil
		case analyzer.OpListenAndServeTLS:
			return signature{join([]param{str("addr")}, certKey(), []param{handler()}), "ListenAndServeTLS", false}, nil
		case analyzer.OpServe:
			return signature{join([]param{listener(), handler()}), "Serve", false}, nil
		case analyzer.OpServeTLS:
			return signature{join([]param{listener(), handler()}, certKey()), "ServeTLS", false}, nil
		case analyzer.OpListen:
			return signature{join([]param{str("network"), str("address")}), "Listen", true}, nil
		}
	case s.Kind == analyzer.KindMethod && s.ListenConfig:
		if s.Op == analyzer.OpListen {
			return signature{join([]param{
				{"lc", jen.Op("*").Qual("net", "ListenConfig")},
				{"ctx", jen.Qual("context", "Context")},
				str("network"), str("address"),
			}), "ListenConfig", true}, nil
		}
	case s.Kind == analyzer.KindMethod:
		switch s.Op {
		case analyzer.OpListenAndServe:
			return signature{join([]param{server()}), "ServerListenAndServe", false}, nil
		case analyzer.OpListenAndServeTLS:
			return signature{join([]param{server()}, certKey()), "ServerListenAndServeTLS", false}, nil
		case analyzer.OpServe:
			return signature{join([]param{server(), listener()}), "ServerServe", false}, nil
		case analyzer.OpServeTLS:
			return signature{join([]param{server(), listener()}, certKey()), "ServerServeTLS", false}, nil
		}
	}
	return signature{}, fmt.Errorf("shim %s: no template for kind %d, op %q (listen config %v)", s.Name, s.Kind, s.Op, s.ListenConfig)
}

// shim builds the declaration of s:
//
//	// gracefulListenAndServe serves main.go:12:13 (http.ListenAndServe).
//	func gracefulListenAndServe(addr string, handler http.Handler) error {
//		return graceful.ListenAndServe(addr, handler)
//	}
func shim(s Shim) (*jen.Statement, error) {
	sig, err := signatureOf(s)
	if err != nil {
		return nil, err
	}
	var params, args []jen.Code
	for _, p := range sig.params {
		params = append(params, jen.Id(p.name).Add(p.typ))
		args = append(args, jen.Id(p.name))
	}
	results := jen.Error()
	if sig.listener {
		results = jen.Parens(jen.List(jen.Qual("net", "Listener"), jen.Error()))
	}
	return jen.Comment(comment(s)).Line().
		Func().Id(s.Name).Params(params...).Add(results).Block(
		jen.Return(jen.Qual(RuntimePath, sig.runtime).Call(args...)),
	), nil
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
