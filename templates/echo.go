package templates

import (
	"github.com/dave/jennifer/jen"

	"github.com/gracefulgen/gracefulgen/analyzer"
)

// echoBody is the body of an echo start's shim (analyzer.BodyEcho). echo
// builds its listener and serves its server itself; the shim gives it a
// listener of the runtime where echo would open one, keeping what echo does
// with it (its network check, banner, TLS and HTTP/2 settings, error log),
// and runs echo's start through graceful.ServerServeWith, which follows
// and drains echo's server.
//
// echo v4, (*echo.Echo).Start(address), StartServer(s), StartTLS(address,
// cert, key), StartAutoTLS(address), StartH2CServer(address, h2s): the
// listener goes to e.Listener (e.TLSListener for TLS), as
// echo's configureServer would set it, for the networks echo accepts
// (tcp, tcp4, tcp6; another network is left to echo's own error). For
// StartTLS and StartAutoTLS the TLS listener takes its configuration from
// e.TLSServer once echo has built it (GetConfigForClient), so echo's
// certificate handling, autocert and "h2" setting stay echo's. For
// StartH2CServer the shim also configures h2s on a private server that the
// drain shuts down, as the h2c.NewHandler shim does, so that x/net sends
// GOAWAY to the hijacked h2c connections.
//
// echo v5, StartConfig.Start(ctx, h) and (*echo.Echo).Start(address): the
// listener goes to the config's Listener (wrapped in its TLSConfig, as echo
// would); echo builds its http.Server inside, so the shim takes it from the
// config's BeforeServeFunc (chained after the app's own), registers it with
// the runtime and only then lets echo serve it. echo's own shutdown (when
// ctx ends, and whenever Serve returns) would be a bare Shutdown that
// cuts keep-alive requests as the drain closes the listener: the shim turns
// it off (GracefulTimeout -1, unless the app did) and drains through the
// runtime (graceful.Shutdown) when ctx ends instead. Echo.Start's own
// SIGINT/SIGTERM context is kept.
func echoBody(f *analyzer.Form) []jen.Code {
	p := func(i int) *jen.Statement { return jen.Id(f.Params[i].Name) }
	if f.Pkg == "github.com/labstack/echo/v5" {
		switch f.Recv {
		case "Echo":
			return append([]jen.Code{
				jen.List(jen.Id("ctx"), jen.Id("cancel")).Op(":=").Qual("os/signal", "NotifyContext").Call(
					jen.Qual("context", "Background").Call(), jen.Qual("os", "Interrupt"), jen.Qual("syscall", "SIGTERM")),
				jen.Defer().Id("cancel").Call(),
				jen.Id("c").Op(":=").Qual(f.Pkg, "StartConfig").Values(jen.Dict{jen.Id("Address"): p(1)}),
			}, echo5Start(f.Pkg, jen.Id("ctx"), p(0))...)
		case "StartConfig":
			return append([]jen.Code{jen.Id("c").Op(":=").Op("*").Add(p(0))}, echo5Start(f.Pkg, p(1), p(2))...)
		}
		return nil
	}
	return echo4Body(f)
}

// echo4Body returns the body of an echo v4 start shim (see echoBody).
func echo4Body(f *analyzer.Form) []jen.Code {
	p := func(i int) *jen.Statement { return jen.Id(f.Params[i].Name) }
	e := p(0)
	serveWith := func(srv *jen.Statement, call jen.Code) jen.Code {
		return jen.Return(jen.Qual(RuntimePath, f.Runtime).Call(srv, jen.Func().Params().Error().Block(jen.Return(call))))
	}
	switch f.Op {
	case "Start":
		return []jen.Code{
			echo4Listen(e, e.Clone().Dot("Listener").Op("==").Nil(), p(1), func(l jen.Code) jen.Code {
				return e.Clone().Dot("Listener").Op("=").Add(l)
			}),
			serveWith(e.Clone().Dot("Server"), e.Clone().Dot("Start").Call(p(1))),
		}
	case "StartTLS", "StartAutoTLS":
		var args []jen.Code
		for i := range f.Params[1:] {
			args = append(args, p(i+1))
		}
		return []jen.Code{
			echo4Listen(e, e.Clone().Dot("TLSListener").Op("==").Nil(), p(1), func(l jen.Code) jen.Code {
				return e.Clone().Dot("TLSListener").Op("=").Qual("crypto/tls", "NewListener").Call(l, jen.Op("&").Qual("crypto/tls", "Config").Values(jen.Dict{
					jen.Id("GetConfigForClient"): jen.Func().Params(jen.Op("*").Qual("crypto/tls", "ClientHelloInfo")).
						Params(jen.Op("*").Qual("crypto/tls", "Config"), jen.Error()).
						Block(jen.Return(e.Clone().Dot("TLSServer").Dot("TLSConfig"), jen.Nil())),
				}))
			}),
			serveWith(e.Clone().Dot("TLSServer"), e.Clone().Dot(string(f.Op)).Call(args...)),
		}
	case "StartH2CServer":
		h2s := p(2)
		return []jen.Code{
			echo4Listen(e, e.Clone().Dot("Listener").Op("==").Nil(), p(1), func(l jen.Code) jen.Code {
				return e.Clone().Dot("Listener").Op("=").Add(l)
			}),
			// As the h2c.NewHandler shim (h2cBody): x/net sends GOAWAY to
			// the hijacked h2c connections when a server h2s was configured
			// on shuts down.
			jen.Id("hs").Op(":=").Op("&").Qual("net/http", "Server").Values(),
			jen.If(jen.Err().Op(":=").Qual(f.Params[2].Type.Path, "ConfigureServer").Call(jen.Id("hs"), h2s), jen.Err().Op("==").Nil()).Block(
				jen.Qual(RuntimePath, "OnShutdown").Call(jen.Func().Params().Block(
					jen.Id("hs").Dot("Shutdown").Call(jen.Qual("context", "Background").Call()),
				)),
			),
			serveWith(e.Clone().Dot("Server"), e.Clone().Dot("StartH2CServer").Call(p(1), h2s.Clone())),
		}
	case "StartServer":
		s := p(1)
		return []jen.Code{
			echo4Listen(e, jen.Parens(s.Clone().Dot("TLSConfig").Op("==").Nil().Op("&&").Add(e.Clone()).Dot("Listener").Op("==").Nil()).
				Op("||").Parens(s.Clone().Dot("TLSConfig").Op("!=").Nil().Op("&&").Add(e.Clone()).Dot("TLSListener").Op("==").Nil()),
				s.Clone().Dot("Addr"), func(l jen.Code) jen.Code {
					return jen.If(s.Clone().Dot("TLSConfig").Op("==").Nil()).Block(
						e.Clone().Dot("Listener").Op("=").Add(l),
					).Else().Block(
						e.Clone().Dot("TLSListener").Op("=").Qual("crypto/tls", "NewListener").Call(l, s.Clone().Dot("TLSConfig")),
					)
				}),
			serveWith(s.Clone(), e.Clone().Dot("StartServer").Call(s.Clone())),
		}
	}
	return nil
}

// echo4Listen opens the listener echo v4 would open, through the runtime:
//
//	if <missing> {
//		switch e.ListenerNetwork {
//		case "tcp", "tcp4", "tcp6":
//			l, err := graceful.Listen(e.ListenerNetwork, <addr>)
//			if err != nil {
//				return err
//			}
//			<set(l)>
//		}
//	}
func echo4Listen(e *jen.Statement, missing *jen.Statement, addr jen.Code, set func(jen.Code) jen.Code) jen.Code {
	return jen.If(missing).Block(
		jen.Switch(e.Clone().Dot("ListenerNetwork")).Block(
			jen.Case(jen.Lit("tcp"), jen.Lit("tcp4"), jen.Lit("tcp6")).Block(
				jen.List(jen.Id("l"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(e.Clone().Dot("ListenerNetwork"), addr),
				jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
				set(jen.Id("l")),
			),
		),
	)
}

// echo5Start serves the echo v5 StartConfig in the variable c with h:
//
//	if c.Listener == nil {
//		network := c.ListenerNetwork
//		if network == "" {
//			network = "tcp"
//		}
//		l, err := graceful.Listen(network, c.Address)
//		if err != nil {
//			return err
//		}
//		c.Listener = l
//		if c.TLSConfig != nil {
//			c.Listener = tls.NewListener(l, c.TLSConfig)
//		}
//	}
//	stop := c.GracefulTimeout >= 0
//	if stop {
//		c.GracefulTimeout = -1
//	}
//	before, served, registered, done := c.BeforeServeFunc, make(chan *http.Server), make(chan struct{}), make(chan error, 1)
//	c.BeforeServeFunc = func(s *http.Server) error {
//		if before != nil {
//			if err := before(s); err != nil {
//				return err
//			}
//		}
//		served <- s
//		<-registered
//		return nil
//	}
//	go func() { done <- c.Start(ctx, h) }()
//	select {
//	case err := <-done:
//		return err
//	case s := <-served:
//		err := graceful.ServerServeWith(s, func() error {
//			close(registered)
//			if stop {
//				select {
//				case err := <-done:
//					return err
//				case <-ctx.Done():
//					go graceful.Shutdown(context.Background())
//				}
//			}
//			return <-done
//		})
//		if err == http.ErrServerClosed {
//			return nil // as echo v5 does once its server was shut down
//		}
//		return err
//	}
func echo5Start(echoPath string, ctx, h jen.Code) []jen.Code {
	c := jen.Id("c")
	server := jen.Op("*").Qual("net/http", "Server")
	return []jen.Code{
		jen.If(c.Clone().Dot("Listener").Op("==").Nil()).Block(
			jen.Id("network").Op(":=").Add(c.Clone()).Dot("ListenerNetwork"),
			jen.If(jen.Id("network").Op("==").Lit("")).Block(jen.Id("network").Op("=").Lit("tcp")),
			jen.List(jen.Id("l"), jen.Err()).Op(":=").Qual(RuntimePath, "Listen").Call(jen.Id("network"), c.Clone().Dot("Address")),
			jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			c.Clone().Dot("Listener").Op("=").Id("l"),
			jen.If(c.Clone().Dot("TLSConfig").Op("!=").Nil()).Block(
				c.Clone().Dot("Listener").Op("=").Qual("crypto/tls", "NewListener").Call(jen.Id("l"), c.Clone().Dot("TLSConfig")),
			),
		),
		// echo shuts its server down itself when ctx ends, and also as soon
		// as Serve returns, which is when the drain closes the listener: a
		// bare Shutdown then, before the drain's linger, cuts keep-alive
		// requests. The runtime's drain takes its place.
		jen.Id("stop").Op(":=").Add(c.Clone()).Dot("GracefulTimeout").Op(">=").Lit(0),
		jen.If(jen.Id("stop")).Block(c.Clone().Dot("GracefulTimeout").Op("=").Lit(-1)),
		jen.List(jen.Id("before"), jen.Id("served"), jen.Id("registered"), jen.Id("done")).Op(":=").List(
			c.Clone().Dot("BeforeServeFunc"), jen.Make(jen.Chan().Add(server)), jen.Make(jen.Chan().Struct()), jen.Make(jen.Chan().Error(), jen.Lit(1))),
		c.Clone().Dot("BeforeServeFunc").Op("=").Func().Params(jen.Id("s").Add(server)).Error().Block(
			jen.If(jen.Id("before").Op("!=").Nil()).Block(
				jen.If(jen.Err().Op(":=").Id("before").Call(jen.Id("s")), jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
			),
			jen.Id("served").Op("<-").Id("s"),
			jen.Op("<-").Id("registered"),
			jen.Return(jen.Nil()),
		),
		jen.Go().Func().Params().Block(jen.Id("done").Op("<-").Add(c.Clone()).Dot("Start").Call(ctx, h)).Call(),
		jen.Select().Block(
			jen.Case(jen.Err().Op(":=").Op("<-").Id("done")).Block(jen.Return(jen.Err())),
			jen.Case(jen.Id("s").Op(":=").Op("<-").Id("served")).Block(
				jen.Err().Op(":=").Qual(RuntimePath, "ServerServeWith").Call(jen.Id("s"), jen.Func().Params().Error().Block(
					jen.Close(jen.Id("registered")),
					jen.If(jen.Id("stop")).Block(
						jen.Select().Block(
							jen.Case(jen.Err().Op(":=").Op("<-").Id("done")).Block(jen.Return(jen.Err())),
							jen.Case(jen.Op("<-").Add(ctx).Dot("Done").Call()).Block(
								jen.Go().Qual(RuntimePath, "Shutdown").Call(jen.Qual("context", "Background").Call()),
							),
						),
					),
					jen.Return(jen.Op("<-").Id("done")),
				)),
				// echo v5 returns nil once its server was shut down.
				jen.If(jen.Err().Op("==").Qual("net/http", "ErrServerClosed")).Block(jen.Return(jen.Nil())),
				jen.Return(jen.Err()),
			),
		),
	}
}
