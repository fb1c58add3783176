package templates

import (
	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// ginBody is the body of a gin start's shim (analyzer.BodyGin): what
// (*gin.Engine).Run and its kin do, with the server served through the
// runtime. gin builds an http.Server around engine.Handler() (which adds
// its h2c handler when engine.UseH2C is set) and serves it; the shim does
// the same, so the drain shuts that server down as any other. gin's debug
// prints (the address, the trusted-proxies warning) are left out. The
// engine updates its route trees on its first request itself.
//
//	Run(addr ...string):  gin's address rule (one address, else ":$PORT",
//	                      else ":8080"; more than one panics, as gin does)
//	                      then graceful.ServerListenAndServe
//	RunTLS(addr, c, k):   graceful.ServerListenAndServeTLS
//	RunUnix(file):        graceful.Listen("unix", file) + graceful.ServerServe
//	                      (the runtime unlinks the socket file on a real stop,
//	                      as gin does, and keeps it for the new process on a
//	                      restart)
//	RunListener(l):       graceful.ServerServe (l traced to its net.Listen)
func ginBody(f *analyzer.Form) []jen.Code {
	p := func(i int) *jen.Statement { return jen.Id(f.Params[i].Name) }
	server := func(addr jen.Code) *jen.Statement {
		fields := jen.Dict{jen.Id("Handler"): p(0).Clone().Dot("Handler").Call()}
		if addr != nil {
			fields[jen.Id("Addr")] = addr
		}
		return jen.Op("&").Qual("net/http", "Server").Values(fields)
	}
	serve := func(args ...jen.Code) jen.Code {
		return jen.Return(jen.Qual(RuntimePath, f.Runtime).Call(args...))
	}
	switch f.Op {
	case "Run":
		addr := p(1)
		return []jen.Code{
			jen.Id("address").Op(":=").Lit(":8080"),
			jen.Switch().Block(
				jen.Case(jen.Len(addr.Clone()).Op(">").Lit(1)).Block(jen.Panic(jen.Lit("too many parameters"))),
				jen.Case(jen.Len(addr.Clone()).Op("==").Lit(1)).Block(jen.Id("address").Op("=").Add(addr.Clone()).Index(jen.Lit(0))),
				jen.Case(jen.Qual("os", "Getenv").Call(jen.Lit("PORT")).Op("!=").Lit("")).Block(
					jen.Id("address").Op("=").Lit(":").Op("+").Qual("os", "Getenv").Call(jen.Lit("PORT")),
				),
			),
			serve(server(jen.Id("address"))),
		}
	case "RunTLS":
		return []jen.Code{serve(server(p(1)), p(2), p(3))}
	case "RunUnix":
		return []jen.Code{
			jen.List(jen.Id("l"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(jen.Lit("unix"), p(1)),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			serve(server(nil), jen.Id("l")),
		}
	case "RunListener":
		return []jen.Code{serve(server(nil), p(1))}
	}
	return nil
}
