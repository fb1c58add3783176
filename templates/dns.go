package templates

import (
	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// dnsPath is miekg/dns, whose server starts have BodyDNS.
const dnsPath = "github.com/miekg/dns"

// dnsBody is the body of a miekg/dns server start's shim
// (analyzer.BodyDNS). The server's socket comes from the runtime, so that a
// restart hands it over, and the server is served through
// graceful.ServePacket (UDP) or graceful.ServeListener (TCP, TLS), whose
// drain stops it with its Shutdown: the old process stops reading a shared
// UDP socket as its drain begins and answers what it read; at the drain
// deadline the socket is closed.
//
//	srv.ListenAndServe():    what dns does with srv.Net and srv.Addr (""
//	                         is "udp" and ":domain"), the socket from
//	                         graceful.ListenPacket or graceful.Listen
//	                         (tls.NewListener on it for "-tls"); any other
//	                         network (or "-tls" without TLSConfig) is left
//	                         to srv.ListenAndServe, for dns's own error
//	dns.ListenAndServe(a, n, h): the same for &dns.Server{Addr: a, Net: n, Handler: h}
//	srv.ActivateAndServe():  srv.PacketConn (or else srv.Listener), which
//	                         the program opened (a converted ListenPacket),
//	                         served as above
//
// srv.ReusePort and srv.ReuseAddr are not applied: a restart hands the
// socket over instead.
func dnsBody(f *analyzer.Form) []jen.Code {
	srv := func() *jen.Statement { return jen.Id("srv") }
	shutdown := jen.Func().Params().Block(srv().Dot("Shutdown").Call())
	closer := func(c string) jen.Code { return jen.Func().Params().Block(jen.Id(c).Dot("Close").Call()) }
	servePacket := func(pc string) jen.Code {
		return jen.Return(jen.Qual(RuntimePath, "ServePacket").Call(jen.Id(pc), srv().Dot("ActivateAndServe"), shutdown.Clone(), closer(pc)))
	}
	serveListener := func(l, served string) jen.Code {
		serve := jen.Func().Params(jen.Id("l").Qual("net", "Listener")).Error().Block(
			srv().Dot("Listener").Op("=").Id("l"),
			jen.Return(srv().Dot("ActivateAndServe").Call()),
		)
		return jen.Return(jen.Qual(RuntimePath, "ServeListener").Call(jen.Id(served), serve, shutdown.Clone(), closer(l)))
	}
	ifErr := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	switch {
	case f.Op == "ActivateAndServe":
		return []jen.Code{
			jen.If(jen.Id("pc").Op(":=").Add(srv()).Dot("PacketConn"), jen.Id("pc").Op("!=").Nil()).Block(servePacket("pc")),
			jen.If(jen.Id("ln").Op(":=").Add(srv()).Dot("Listener"), jen.Id("ln").Op("!=").Nil()).Block(serveListener("ln", "ln")),
			jen.Return(srv().Dot("ActivateAndServe").Call()),
		}
	case f.Op == analyzer.OpListenAndServe:
		var body []jen.Code
		if f.Kind == analyzer.KindFunc {
			body = append(body, srv().Op(":=").Op("&").Qual(dnsPath, "Server").Values(jen.Dict{
				jen.Id("Addr"): jen.Id(f.Params[0].Name), jen.Id("Net"): jen.Id(f.Params[1].Name), jen.Id("Handler"): jen.Id(f.Params[2].Name),
			}))
		}
		return append(body,
			jen.List(jen.Id("network"), jen.Id("address")).Op(":=").List(srv().Dot("Net"), srv().Dot("Addr")),
			jen.If(jen.Id("address").Op("==").Lit("")).Block(jen.Id("address").Op("=").Lit(":domain")),
			jen.Switch(jen.Id("network")).Block(
				jen.Case(jen.Lit(""), jen.Lit("udp"), jen.Lit("udp4"), jen.Lit("udp6")).Block(
					jen.If(jen.Id("network").Op("==").Lit("")).Block(jen.Id("network").Op("=").Lit("udp")),
					jen.List(jen.Id("pc"), jen.Err()).Op(":=").Qual(RuntimePath, "ListenPacket").Call(jen.Id("network"), jen.Id("address")),
					ifErr.Clone(),
					srv().Dot("PacketConn").Op("=").Id("pc"),
					servePacket("pc"),
				),
				jen.Case(jen.Lit("tcp"), jen.Lit("tcp4"), jen.Lit("tcp6")).Block(
					jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(jen.Id("network"), jen.Id("address")),
					ifErr.Clone(),
					serveListener("ln", "ln"),
				),
				jen.Case(jen.Lit("tcp-tls"), jen.Lit("tcp4-tls"), jen.Lit("tcp6-tls")).Block(
					jen.If(srv().Dot("TLSConfig").Op("==").Nil()).Block(jen.Break()),
					jen.List(jen.Id("ln"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(
						jen.Qual("strings", "TrimSuffix").Call(jen.Id("network"), jen.Lit("-tls")), jen.Id("address")),
					ifErr.Clone(),
					jen.Id("tlsLn").Op(":=").Qual("crypto/tls", "NewListener").Call(jen.Id("ln"), srv().Dot("TLSConfig")),
					serveListener("ln", "tlsLn"),
				),
			),
			jen.Return(srv().Dot("ListenAndServe").Call()),
		)
	}
	return nil
}
