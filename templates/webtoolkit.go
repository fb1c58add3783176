package templates

import (
	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// serverParam is the shim's *http.Server parameter, the server that
// graceful.ServerServeWith registers.
func serverParam(f *analyzer.Form) *jen.Statement {
	for _, p := range f.Params {
		if p.Type.Path == "net/http" && p.Type.Name == "Server" && p.Type.Ptr {
			return jen.Id(p.Name)
		}
	}
	return jen.Id(f.Params[0].Name)
}

// paramIDs are the shim's parameters as arguments.
func paramIDs(f *analyzer.Form) []jen.Code {
	var args []jen.Code
	for _, p := range f.Params {
		args = append(args, jen.Id(p.Name))
	}
	return args
}

// serveWithBody is the body of a shim that serves its server through the
// function of another package it replaces (analyzer.BodyServeWith): the
// runtime registers the server first (timeouts, connection tracking, the
// drain), and the callee serves it as it always did:
//
//	return graceful.ServerServeWith(server, func() error {
//		return web.Serve(l, server, flags, logger)
//	})
func serveWithBody(f *analyzer.Form) []jen.Code {
	return []jen.Code{jen.Return(jen.Qual(RuntimePath, f.Runtime).Call(serverParam(f), jen.Func().Params().Error().Block(
		jen.Return(jen.Qual(f.Pkg, string(f.Op)).Call(paramIDs(f)...)),
	)))}
}

// webListenAndServeBody is the body of the shim of exporter-toolkit's
// web.ListenAndServe(server, flags, logger) (analyzer.BodyWebListenAndServe).
// It does what the toolkit does, with the runtime's sockets: each listen
// address through graceful.Listen (adopted from the parent at a restart),
// or with --web.systemd-socket the sockets of socket activation through
// graceful.Activated (LISTEN_FDS names only the first process: later
// generations get them from their parent), all served by the toolkit's own
// web.ServeMultiple, which keeps the web config file (TLS, basic auth,
// rate limit). Flags the toolkit rejects, and vsock addresses, which the
// runtime cannot open, are left to web.ListenAndServe itself: same errors,
// and vsock is served, stopped gracefully but not handed over. Only the
// toolkit's log line about systemd sockets is not written (the logger's
// type depends on the toolkit's version).
//
//	return graceful.ServerServeWith(server, func() error {
//		if flags == nil || flags.WebConfigFile == nil || flags.WebSystemdSocket == nil && (flags.WebListenAddresses == nil || len(*flags.WebListenAddresses) == 0) {
//			return web.ListenAndServe(server, flags, logger)
//		}
//		var listeners []net.Listener
//		if flags.WebSystemdSocket != nil && *flags.WebSystemdSocket {
//			activated, err := graceful.Activated()
//			...
//		} else {
//			for _, address := range *flags.WebListenAddresses { ...vsock: web.ListenAndServe... }
//			for _, address := range *flags.WebListenAddresses {
//				l, err := graceful.Listen("tcp", address)
//				...
//			}
//		}
//		return web.ServeMultiple(listeners, server, flags, logger)
//	})
func webListenAndServeBody(f *analyzer.Form) []jen.Code {
	flags := func() *jen.Statement { return jen.Id(f.Params[1].Name) }
	toolkit := func(name string, args ...jen.Code) *jen.Statement { return jen.Qual(f.Pkg, name).Call(args...) }
	addrs := func() *jen.Statement { return jen.Op("*").Add(flags()).Dot("WebListenAddresses") }
	ifErr := jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err()))
	serve := []jen.Code{
		jen.If(flags().Op("==").Nil().Op("||").Add(flags()).Dot("WebConfigFile").Op("==").Nil().Op("||").
			Add(flags()).Dot("WebSystemdSocket").Op("==").Nil().Op("&&").Parens(
			flags().Dot("WebListenAddresses").Op("==").Nil().Op("||").Len(addrs()).Op("==").Lit(0))).Block(
			jen.Comment("Flags the toolkit rejects: its own error."),
			jen.Return(toolkit("ListenAndServe", paramIDs(f)...)),
		),
		jen.Var().Id("listeners").Index().Qual("net", "Listener"),
		jen.If(flags().Dot("WebSystemdSocket").Op("!=").Nil().Op("&&").Op("*").Add(flags()).Dot("WebSystemdSocket")).Block(
			jen.Comment("Socket activation: the runtime's sockets, in every generation."),
			jen.List(jen.Id("activated"), jen.Err()).Op(":=").Qual(RuntimePath, "Activated").Call(),
			ifErr,
			jen.If(jen.Len(jen.Id("activated")).Op("==").Lit(0)).Block(
				jen.Return(jen.Qual("errors", "New").Call(jen.Lit("no socket activation file descriptors found"))),
			),
			jen.Id("listeners").Op("=").Id("activated"),
		).Else().Block(
			jen.For(jen.List(jen.Id("_"), jen.Id("address")).Op(":=").Range().Add(addrs())).Block(
				jen.If(jen.Qual("strings", "HasPrefix").Call(jen.Id("address"), jen.Lit("vsock://"))).Block(
					jen.Comment("vsock: the toolkit's own sockets, which a restart cannot hand over."),
					jen.Return(toolkit("ListenAndServe", paramIDs(f)...)),
				),
			),
			jen.For(jen.List(jen.Id("_"), jen.Id("address")).Op(":=").Range().Add(addrs())).Block(
				jen.List(jen.Id("l"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(jen.Lit("tcp"), jen.Id("address")),
				ifErr,
				jen.Defer().Id("l").Dot("Close").Call(),
				jen.Id("listeners").Op("=").Append(jen.Id("listeners"), jen.Id("l")),
			),
		),
		jen.Return(toolkit("ServeMultiple", append([]jen.Code{jen.Id("listeners")}, paramIDs(f)...)...)),
	}
	return []jen.Code{jen.Return(jen.Qual(RuntimePath, f.Runtime).Call(serverParam(f), jen.Func().Params().Error().Block(serve...)))}
}
