// Package analyzer finds where a Go program starts its net/http servers and
// plans how each start is rewritten so that the server restarts with zero
// downtime.
//
// It is the single source of truth of gracefulgen: the generator applies the
// analyzer's Result and adds no detection of its own, and the gracefulvet
// command reports the same findings go-vet style.
//
// # What counts as a server start
//
// Calls are identified by the type checker (the callee's package path, name
// and receiver), never by their text, so an aliased or dot-imported net/http,
// a server held in a struct field or returned by a function, a server
// declared as a value, and calls inside goroutines and closures all count.
//
//   - net/http's ListenAndServe, ListenAndServeTLS, Serve and ServeTLS, as
//     package functions (called or used as values) and as methods of
//     http.Server;
//   - every listening socket the package opens: net.Listen, net.ListenTCP,
//     net.ListenUnix and (*net.ListenConfig).Listen, in any function,
//     whoever serves the listener (HTTP, gRPC, an accept loop of the
//     program's own), since a restart must hand over every socket or the
//     new process cannot bind; a constant loopback address with port 0 is
//     not a service and is left alone. The listener of a Serve is traced
//     through wrappers (tls.NewListener), into the helpers of the
//     package that return it (alone, as an any, or in a slice), through the
//     slices and maps it is ranged over, from a parameter to the calls that
//     pass it (of a function, method or closure), and from a struct field
//     to the writes that store it: in the package, and, for an exported
//     function or field, in the module's other packages (the generator
//     matches Result.ListenerArgs with the Site.Deferred of the serving
//     package; go vet reports at the calls and writes, by a fact), and out
//     of an exported function of another package of the module, judged by
//     all it returns (the generator matches Result.ListenersFrom with that
//     package's Result.ListenerReturns; go vet reports at the Serve, by a
//     fact);
//   - every datagram socket the package binds at a fixed or unknown
//     address: net.ListenUDP, net.ListenPacket, net.ListenUnixgram and
//     (*net.ListenConfig).ListenPacket (packet.go), which the runtime hands
//     over as it does listeners; a client's socket (port 0, a nil address)
//     is left alone, as are multicast and raw IP sockets, which both
//     generations can bind at once;
//   - go-systemd's activation.Listeners, whose sockets the runtime takes at
//     start (it reads and removes LISTEN_FDS): rewritten to
//     graceful.Activated;
//   - a removal of a stale unix socket file (os.Remove, syscall.Unlink) of
//     the path that a later Listen of the same function listens on
//     (removesocket.go): rewritten to graceful.Remove (Unlink), which keeps
//     the file of a socket a restart's new process inherited; and a look
//     for that file there (os.Stat, os.Lstat), rewritten to graceful.Stat
//     (Lstat), which does not find it until Listen adopts the socket;
//   - grpc-go's (*grpc.Server).Serve, which the drain stops with
//     GracefulStop (graceful.ServeStopper); miekg/dns's
//     (*dns.Server).ListenAndServe, ActivateAndServe and dns.ListenAndServe,
//     whose socket the shim opens through the runtime and whose server the
//     drain stops with Shutdown (graceful.ServePacket, ServeListener); and
//     x/net's h2c.NewHandler, whose
//     HTTP/2 connections the drain sends GOAWAY to;
//   - a method value passed straight as an argument, g.Go(srv.ListenAndServe),
//     which is rewritten to a function literal calling the shim. A start
//     that reaches a call through a function parameter is found here, where
//     the method value is made; a package function passed as a value
//     (run(http.ListenAndServe)) is renamed like a call.
//
// These forms are one table, Forms: adding a form is one entry there, read
// by the templates and the generator as well.
//
// Files that use cgo (import "C") are analysed too: go/packages gives cgo's
// translations, which say they are generated; their line directives lead
// back to the user's file, where diagnostics point.
//
// Some starts cannot be rewritten safely, and are reported with the reason
// and what to do: a method value stored for later, a method expression, a
// call through an interface that an *http.Server satisfies, a listener of
// unknown origin (another package's result, a parameter of a function also
// used as a value or never called, a field whose address is taken or that
// nothing writes), a
// listener with no operating-system socket (cmux, bufconn, in-memory
// listeners), and servers started inside a dependency: a framework start
// that is not a form (gin's RunFd, echo v5's StartConfig.StartTLS, iris,
// negroni), and a call of any function outside the module that serves the
// *http.Server or http.Handler it is given (or its receiver), known by an
// analysis fact that Analyzer exports for every function of every package
// it is run on (go vet runs it on the dependencies for their facts). Local,
// which the generator runs, has no fact and does not report those calls.
//
// gin's (*Engine).Run, RunTLS, RunUnix and RunListener, and echo's
// (*Echo).Start, StartTLS, StartAutoTLS, StartServer and StartH2CServer (v4)
// and Start and StartConfig.Start (v5) are forms: converted, keeping what
// the framework does (templates/gin.go, templates/echo.go).
//
// Nothing is reported for types of other packages that happen to have
// ListenAndServe or Serve methods (fasthttp, a local package named http), in _test.go files, in generated files, or in the runtime package.
// Calls already rewritten to the shims that gracefulgen generates are
// recognised by type and are silent.
//
// Only the files of the build configuration being analysed are seen: a
// server started in a file behind a build tag that is not set is not
// reported. Pass the tags (go vet -tags, gracefulvet -tags) to see it.
//
// # Diagnostics
//
// Category "restart": a server start that is not restartable yet. Run
// gracefulgen to rewrite it; no suggested fix is offered because the rewrite
// also needs the generated zz_graceful.go.
//
// Category "timeout": an http.Server with neither ReadHeaderTimeout nor
// ReadTimeout set (net/http uses ReadTimeout when ReadHeaderTimeout is zero),
// counting fields assigned after construction, and the ListenAndServe family
// of package functions, which cannot carry timeouts at all. Both are open to
// slow-loris clients. The suggested fixes set ReadHeaderTimeout to ten
// seconds. Converted programs are silent: the runtime gives zero timeouts
// safe defaults.
//
// Category "signal": a call of signal.Notify or signal.NotifyContext that
// asks for the restart signal (the -signal flag, SIGHUP by default) or
// relays every signal, in a package whose generated code does not configure
// the runtime. Converted, the program would restart on that signal instead
// of handling it; gracefulgen refuses it unless -signal names it.
//
// # Stop code
//
// The Result also says, for the generator's per-binary decisions, where the
// package handles its own stop (StopUses), which signals it asks for
// (Signals), and which calls in its stop path remove a file or socket
// (StopRemovals): the code after the receive of a stop signal, main's
// deferred calls, and the functions of the package they call.
package analyzer

const doc = `report net/http servers that cannot restart with zero downtime

The graceful analyzer finds, by type, every place where a package starts a
net/http server (http.ListenAndServe and friends, the methods of http.Server,
and the net.Listen listeners they serve) and reports those that gracefulgen
has not made restartable yet (category "restart"), with the reason when a
start cannot be rewritten safely. It also reports servers that lack a
ReadHeaderTimeout (category "timeout"), offering a fix. Programs converted by
gracefulgen produce no diagnostics.`
