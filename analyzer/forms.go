package analyzer

import (
	"go/types"
	"slices"
	"strings"
)

// RuntimePath is the import path of the runtime package that generated
// shims call. The templates and the generator use this one constant.
const RuntimePath = "github.com/gracefulgen/gracefulgen/runtime"

// Type is a type written in a shim's signature: a predeclared type (Path
// empty: string, error) or a named type of a package, possibly a pointer.
type Type struct {
	Path  string // import path of the package declaring it, "" for a predeclared type
	Name  string
	Ptr   bool
	Slice bool // a slice of it: []net.Listener

	// FromCallee marks a parameter whose type changed across the versions
	// of the callee's module (exporter-toolkit's logger: go-kit's
	// log.Logger before v0.13, *slog.Logger since): the table cannot name
	// it. The analyzer reads it from the signature of the callee each
	// package calls (or of the shim it already has) and gives the sites and
	// the shim a copy of the form with the type filled in (resolveForm),
	// which the templates write as any other type.
	FromCallee bool
}

// Param is one parameter of a shim.
type Param struct {
	Name string
	Type Type
}

// Body says what a shim's body does beyond returning the runtime call.
type Body int

// The shim bodies.
const (
	// BodyReturn is `return graceful.<Runtime>(params...)`.
	BodyReturn Body = iota
	// BodyH2C is the h2c handler shim: it registers the x/net HTTP/2
	// server on a private http.Server that is never served, so that
	// graceful.OnShutdown can send GOAWAY to its connections, and returns
	// h2c.NewHandler(h, s).
	BodyH2C
	// BodyGin is a gin start ((*gin.Engine).Run and its kin) served as an
	// http.Server of engine.Handler() through the runtime (templates/gin.go).
	BodyGin
	// BodyEcho is an echo start given a runtime listener and served through
	// graceful.ServerServeWith (templates/echo.go).
	BodyEcho
	// BodyServeWith serves the server the callee serves through the
	// runtime: `return graceful.ServerServeWith(srv, func() error { return
	// <callee>(params...) })`, where srv is the shim's *http.Server
	// parameter (exporter-toolkit's web.Serve and web.ServeMultiple).
	BodyServeWith
	// BodyWebListenAndServe is exporter-toolkit's web.ListenAndServe: its
	// listen addresses through graceful.Listen, or its systemd sockets
	// through graceful.Activated, served by web.ServeMultiple inside
	// graceful.ServerServeWith (templates/webtoolkit.go).
	BodyWebListenAndServe
	// BodyDNS is a miekg/dns server start: its sockets opened through
	// graceful.Listen / graceful.ListenPacket, and the server served
	// through graceful.ServeListener / graceful.ServePacket, which stop it
	// with its Shutdown at the drain (templates/dns.go).
	BodyDNS
)

// Form is one call the analyzer recognises and rewrites to a package-local
// shim: a net/http server start, a listener, or a server of another
// protocol. Forms lists every one of them; adding a form is one entry there
// (plus its tests), which the analyzer, the templates and the generator all
// read.
type Form struct {
	Kind Kind
	Op   Op     // the callee's name; Kind and Op say how a site is rewritten
	Pkg  string // import path of the callee's package
	Recv string // receiver type name of a method (its pointer receiver), "" for a function

	Shim    string  // the shim's name when nothing collides with it
	Runtime string  // the runtime function the shim calls
	Params  []Param // the shim's parameters; for a method the receiver comes first
	Results []Type  // the shim's results, the callee's
	Body    Body

	// Variadic is set when the last of Params is variadic, as the callee's
	// (gin's Run(addr ...string)): the shim declares it so and passes it
	// on with "...", so that r.Run(), r.Run(a) and r.Run(addrs...) all
	// become calls of the shim unchanged. A form whose parameter types
	// differ between versions of its module keeps to the types every
	// version it supports has, and its template writes the rest.
	Variadic bool

	// Listens is set for a form that opens a listening socket (net.Listen
	// and its kin) rather than serving one.
	Listens bool

	// Listener is the index among the shim's parameters of the listener
	// the call serves, or -1: the analyzer traces that listener to the
	// call that opened it.
	Listener int
	// Packet is set, beside Listens, for a form that binds a datagram
	// socket (UDP, unixgram): one on a port the system picks (port 0, a
	// nil address) is a client's, which is no site.
	Packet bool
	// SocketFile is set for a removal of a file (os.Remove) or a look
	// for one (os.Stat), which is a site only where it names the path of
	// a unix socket that the same function then listens on
	// (removesocket.go): in the new process of a restart that path is the
	// inherited socket. Its package is no reason to look at a package or
	// file for server starts.
	SocketFile bool
}

// String names the form as Go documentation does: http.ListenAndServe,
// (*http.Server).Serve.
func (f *Form) String() string {
	if f.Recv == "" {
		return shortPkg(f.Pkg) + "." + string(f.Op)
	}
	return "(*" + shortPkg(f.Pkg) + "." + f.Recv + ")." + string(f.Op)
}

// Types used by the table.
var (
	stringType     = Type{Name: "string"}
	errorType      = Type{Name: "error"}
	fileInfoType   = Type{Path: "os", Name: "FileInfo"}
	handlerType    = Type{Path: "net/http", Name: "Handler"}
	listenerType   = Type{Path: "net", Name: "Listener"}
	packetConnType = Type{Path: "net", Name: "PacketConn"}
	dnsServer      = Type{Path: dnsPath, Name: "Server", Ptr: true}
	serverType     = Type{Path: "net/http", Name: "Server", Ptr: true}
)

func param(name string, t Type) Param { return Param{name, t} }

// strParams returns string parameters of these names.
func strParams(names ...string) []Param {
	var out []Param
	for _, n := range names {
		out = append(out, param(n, stringType))
	}
	return out
}

// joinParams concatenates groups of parameters.
func joinParams(groups ...[]Param) []Param {
	var out []Param
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// Import paths of the protocols other than HTTP/1 that forms name.
const (
	grpcPath  = "google.golang.org/grpc"
	dnsPath   = "github.com/miekg/dns"
	http2Path = "golang.org/x/net/http2"
	h2cPath   = "golang.org/x/net/http2/h2c"
	ginPath   = "github.com/gin-gonic/gin"
	echo4Path = "github.com/labstack/echo/v4"
	echo5Path = "github.com/labstack/echo/v5"

	goSystemdActivationPath = "github.com/coreos/go-systemd/v22/activation"
)

// Forms is the table of start forms. The analyzer classifies callees with
// it (FormOf), the templates write each shim from its entry, and the
// generator maps shim names back to it (FormOfShim) and reverts by it.
var Forms = []*Form{
	// net/http's package functions.
	{Kind: KindFunc, Op: OpListenAndServe, Pkg: "net/http", Shim: "gracefulListenAndServe", Runtime: "ListenAndServe",
		Params: joinParams(strParams("addr"), []Param{param("handler", handlerType)}), Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenAndServeTLS, Pkg: "net/http", Shim: "gracefulListenAndServeTLS", Runtime: "ListenAndServeTLS",
		Params: joinParams(strParams("addr", "certFile", "keyFile"), []Param{param("handler", handlerType)}), Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpServe, Pkg: "net/http", Shim: "gracefulServe", Runtime: "Serve",
		Params: []Param{param("l", listenerType), param("handler", handlerType)}, Results: []Type{errorType}, Listener: 0},
	{Kind: KindFunc, Op: OpServeTLS, Pkg: "net/http", Shim: "gracefulServeTLS", Runtime: "ServeTLS",
		Params: joinParams([]Param{param("l", listenerType), param("handler", handlerType)}, strParams("certFile", "keyFile")), Results: []Type{errorType}, Listener: 0},

	// The methods of *http.Server.
	{Kind: KindMethod, Op: OpListenAndServe, Pkg: "net/http", Recv: "Server", Shim: "gracefulServerListenAndServe", Runtime: "ServerListenAndServe",
		Params: []Param{param("srv", serverType)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: OpListenAndServeTLS, Pkg: "net/http", Recv: "Server", Shim: "gracefulServerListenAndServeTLS", Runtime: "ServerListenAndServeTLS",
		Params: joinParams([]Param{param("srv", serverType)}, strParams("certFile", "keyFile")), Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: OpServe, Pkg: "net/http", Recv: "Server", Shim: "gracefulServerServe", Runtime: "ServerServe",
		Params: []Param{param("srv", serverType), param("l", listenerType)}, Results: []Type{errorType}, Listener: 1},
	{Kind: KindMethod, Op: OpServeTLS, Pkg: "net/http", Recv: "Server", Shim: "gracefulServerServeTLS", Runtime: "ServerServeTLS",
		Params: joinParams([]Param{param("srv", serverType), param("l", listenerType)}, strParams("certFile", "keyFile")), Results: []Type{errorType}, Listener: 1},

	// Listeners: every socket a restart hands over.
	{Kind: KindFunc, Op: OpListen, Pkg: "net", Shim: "gracefulListen", Runtime: "Listen", Listens: true,
		Params: strParams("network", "address"), Results: []Type{listenerType, errorType}, Listener: -1},
	{Kind: KindMethod, Op: OpListen, Pkg: "net", Recv: "ListenConfig", Shim: "gracefulListenConfigListen", Runtime: "ListenConfig", Listens: true,
		Params:  joinParams([]Param{param("lc", Type{Path: "net", Name: "ListenConfig", Ptr: true}), param("ctx", Type{Path: "context", Name: "Context"})}, strParams("network", "address")),
		Results: []Type{listenerType, errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenTCP, Pkg: "net", Shim: "gracefulListenTCP", Runtime: "ListenTCP", Listens: true,
		Params:  []Param{param("network", stringType), param("laddr", Type{Path: "net", Name: "TCPAddr", Ptr: true})},
		Results: []Type{{Path: "net", Name: "TCPListener", Ptr: true}, errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenUnix, Pkg: "net", Shim: "gracefulListenUnix", Runtime: "ListenUnix", Listens: true,
		Params:  []Param{param("network", stringType), param("laddr", Type{Path: "net", Name: "UnixAddr", Ptr: true})},
		Results: []Type{{Path: "net", Name: "UnixListener", Ptr: true}, errorType}, Listener: -1},

	// Datagram sockets (Packet): handed over as listeners are, each
	// generation reading the one socket until the old process exits.
	{Kind: KindFunc, Op: OpListenPacket, Pkg: "net", Shim: "gracefulListenPacket", Runtime: "ListenPacket", Listens: true, Packet: true,
		Params: strParams("network", "address"), Results: []Type{packetConnType, errorType}, Listener: -1},
	{Kind: KindMethod, Op: OpListenPacket, Pkg: "net", Recv: "ListenConfig", Shim: "gracefulListenConfigListenPacket", Runtime: "ListenConfigPacket", Listens: true, Packet: true,
		Params:  joinParams([]Param{param("lc", Type{Path: "net", Name: "ListenConfig", Ptr: true}), param("ctx", Type{Path: "context", Name: "Context"})}, strParams("network", "address")),
		Results: []Type{packetConnType, errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenUDP, Pkg: "net", Shim: "gracefulListenUDP", Runtime: "ListenUDP", Listens: true, Packet: true,
		Params:  []Param{param("network", stringType), param("laddr", Type{Path: "net", Name: "UDPAddr", Ptr: true})},
		Results: []Type{{Path: "net", Name: "UDPConn", Ptr: true}, errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenUnixgram, Pkg: "net", Shim: "gracefulListenUnixgram", Runtime: "ListenUnixgram", Listens: true, Packet: true,
		Params:  []Param{param("network", stringType), param("laddr", Type{Path: "net", Name: "UnixAddr", Ptr: true})},
		Results: []Type{{Path: "net", Name: "UnixConn", Ptr: true}, errorType}, Listener: -1},

	// go-systemd's socket activation: the runtime reads LISTEN_FDS at start
	// (and removes it, so that a child never sees it), so go-systemd would
	// find nothing; graceful.Activated returns the same sockets, adopted
	// and handed over at every restart.
	{Kind: KindFunc, Op: "Listeners", Pkg: goSystemdActivationPath, Shim: "gracefulActivationListeners", Runtime: "Activated", Listens: true,
		Results: []Type{{Path: "net", Name: "Listener", Slice: true}, errorType}, Listener: -1},

	// The removal of a stale unix socket file before Listen, which must
	// keep the socket a restart's new process inherited.
	{Kind: KindFunc, Op: "Remove", Pkg: "os", Shim: "gracefulRemove", Runtime: "Remove", SocketFile: true,
		Params: strParams("name"), Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: "Unlink", Pkg: "syscall", Shim: "gracefulUnlink", Runtime: "Unlink", SocketFile: true,
		Params: strParams("path"), Results: []Type{errorType}, Listener: -1},
	// The look for a socket file left behind before Listen, by a program
	// that refuses to start when there is one (statsd_exporter's unixgram
	// socket): it must not find the socket a restart's new process
	// inherited.
	{Kind: KindFunc, Op: "Stat", Pkg: "os", Shim: "gracefulStat", Runtime: "Stat", SocketFile: true,
		Params: strParams("name"), Results: []Type{fileInfoType, errorType}, Listener: -1},
	{Kind: KindFunc, Op: "Lstat", Pkg: "os", Shim: "gracefulLstat", Runtime: "Lstat", SocketFile: true,
		Params: strParams("name"), Results: []Type{fileInfoType, errorType}, Listener: -1},

	// Servers of other protocols.
	{Kind: KindMethod, Op: OpServe, Pkg: grpcPath, Recv: "Server", Shim: "gracefulGRPCServerServe", Runtime: "ServeStopper",
		Params: []Param{param("s", Type{Path: grpcPath, Name: "Server", Ptr: true}), param("l", listenerType)}, Results: []Type{errorType}, Listener: 1},
	// miekg/dns servers (DNS over UDP, TCP, TLS): the socket opened
	// through the runtime and the server stopped with its Shutdown at the
	// drain, so that the old process stops reading a shared UDP socket and
	// answers what it read (templates/dns.go).
	{Kind: KindMethod, Op: OpListenAndServe, Pkg: dnsPath, Recv: "Server", Shim: "gracefulDNSServerListenAndServe", Runtime: "ServePacket", Body: BodyDNS,
		Params: []Param{param("srv", dnsServer)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "ActivateAndServe", Pkg: dnsPath, Recv: "Server", Shim: "gracefulDNSServerActivateAndServe", Runtime: "ServePacket", Body: BodyDNS,
		Params: []Param{param("srv", dnsServer)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpListenAndServe, Pkg: dnsPath, Shim: "gracefulDNSListenAndServe", Runtime: "ServePacket", Body: BodyDNS,
		Params: joinParams(strParams("addr", "network"), []Param{param("handler", Type{Path: dnsPath, Name: "Handler"})}), Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpNewHandler, Pkg: h2cPath, Shim: "gracefulH2CNewHandler", Runtime: "OnShutdown", Body: BodyH2C,
		Params:  []Param{param("h", handlerType), param("s", Type{Path: http2Path, Name: "Server", Ptr: true})},
		Results: []Type{handlerType}, Listener: -1},

	// Framework starts (templates/gin.go, templates/echo.go). gin: the
	// engine's handler served by an http.Server of the runtime.
	{Kind: KindMethod, Op: "Run", Pkg: ginPath, Recv: "Engine", Shim: "gracefulGinRun", Runtime: "ServerListenAndServe", Body: BodyGin,
		Params: []Param{param("engine", ginEngine), param("addr", stringType)}, Variadic: true, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "RunTLS", Pkg: ginPath, Recv: "Engine", Shim: "gracefulGinRunTLS", Runtime: "ServerListenAndServeTLS", Body: BodyGin,
		Params: joinParams([]Param{param("engine", ginEngine)}, strParams("addr", "certFile", "keyFile")), Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "RunUnix", Pkg: ginPath, Recv: "Engine", Shim: "gracefulGinRunUnix", Runtime: "ServerServe", Body: BodyGin,
		Params: []Param{param("engine", ginEngine), param("file", stringType)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "RunListener", Pkg: ginPath, Recv: "Engine", Shim: "gracefulGinRunListener", Runtime: "ServerServe", Body: BodyGin,
		Params: []Param{param("engine", ginEngine), param("listener", listenerType)}, Results: []Type{errorType}, Listener: 1},

	// echo v4: the server echo configures and serves, given a runtime
	// listener in e.Listener / e.TLSListener.
	{Kind: KindMethod, Op: "Start", Pkg: echo4Path, Recv: "Echo", Shim: "gracefulEchoStart", Runtime: "ServerServeWith", Body: BodyEcho,
		Params: []Param{param("e", echo4Echo), param("address", stringType)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "StartTLS", Pkg: echo4Path, Recv: "Echo", Shim: "gracefulEchoStartTLS", Runtime: "ServerServeWith", Body: BodyEcho,
		Params:  []Param{param("e", echo4Echo), param("address", stringType), param("certFile", anyType), param("keyFile", anyType)},
		Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "StartAutoTLS", Pkg: echo4Path, Recv: "Echo", Shim: "gracefulEchoStartAutoTLS", Runtime: "ServerServeWith", Body: BodyEcho,
		Params: []Param{param("e", echo4Echo), param("address", stringType)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "StartH2CServer", Pkg: echo4Path, Recv: "Echo", Shim: "gracefulEchoStartH2CServer", Runtime: "ServerServeWith", Body: BodyEcho,
		Params:  []Param{param("e", echo4Echo), param("address", stringType), param("h2s", Type{Path: http2Path, Name: "Server", Ptr: true})},
		Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "StartServer", Pkg: echo4Path, Recv: "Echo", Shim: "gracefulEchoStartServer", Runtime: "ServerServeWith", Body: BodyEcho,
		Params: []Param{param("e", echo4Echo), param("s", serverType)}, Results: []Type{errorType}, Listener: -1},

	// echo v5: StartConfig serves a server it builds; its BeforeServeFunc
	// hands that server to the runtime before it serves.
	{Kind: KindMethod, Op: "Start", Pkg: echo5Path, Recv: "Echo", Shim: "gracefulEchoV5Start", Runtime: "ServerServeWith", Body: BodyEcho,
		Params: []Param{param("e", echo5Echo), param("address", stringType)}, Results: []Type{errorType}, Listener: -1},
	{Kind: KindMethod, Op: "Start", Pkg: echo5Path, Recv: "StartConfig", Shim: "gracefulEchoV5StartConfigStart", Runtime: "ServerServeWith", Body: BodyEcho,
		Params:  []Param{param("sc", Type{Path: echo5Path, Name: "StartConfig", Ptr: true}), param("ctx", Type{Path: "context", Name: "Context"}), param("h", handlerType)},
		Results: []Type{errorType}, Listener: -1},
	// Prometheus exporter-toolkit: the server is served by the toolkit,
	// with its flags (web config file: TLS, basic auth; systemd sockets).
	{Kind: KindFunc, Op: OpListenAndServe, Pkg: webPath, Shim: "gracefulWebListenAndServe", Runtime: "ServerServeWith", Body: BodyWebListenAndServe,
		Params: webParams(), Results: []Type{errorType}, Listener: -1},
	{Kind: KindFunc, Op: OpServe, Pkg: webPath, Shim: "gracefulWebServe", Runtime: "ServerServeWith", Body: BodyServeWith,
		Params: append([]Param{param("l", listenerType)}, webParams()...), Results: []Type{errorType}, Listener: 0},
	{Kind: KindFunc, Op: OpServeMultiple, Pkg: webPath, Shim: "gracefulWebServeMultiple", Runtime: "ServerServeWith", Body: BodyServeWith,
		Params:  append([]Param{param("listeners", Type{Path: "net", Name: "Listener", Slice: true})}, webParams()...),
		Results: []Type{errorType}, Listener: 0},
}

// webPath is exporter-toolkit's web package.
const webPath = "github.com/prometheus/exporter-toolkit/web"

// webParams are the parameters its serving functions end with: the
// server, the flags, and a logger whose type depends on the version.
func webParams() []Param {
	return []Param{param("server", serverType), param("flags", Type{Path: webPath, Name: "FlagConfig", Ptr: true}),
		param("logger", Type{FromCallee: true})}
}

// Types of the framework forms.
var (
	ginEngine = Type{Path: ginPath, Name: "Engine", Ptr: true}
	echo4Echo = Type{Path: echo4Path, Name: "Echo", Ptr: true}
	echo5Echo = Type{Path: echo5Path, Name: "Echo", Ptr: true}
	anyType   = Type{Name: "interface{}"}
)

// FormOf returns the form fn is, by package path, receiver and name.
func FormOf(fn *types.Func) (*Form, bool) {
	if fn.Pkg() == nil {
		return nil, false
	}
	path, recv := fn.Pkg().Path(), receiverName(fn)
	for _, f := range Forms {
		if f.Pkg == path && f.Recv == recv && string(f.Op) == fn.Name() {
			return f, true
		}
	}
	return nil, false
}

// FormOfShim returns the form of a shim by its name: the form's Shim name,
// possibly followed by a number that avoided a collision.
func FormOfShim(name string) (*Form, bool) {
	base := strings.TrimRight(name, "0123456789")
	if base != name && strings.HasPrefix(name[len(base):], "0") {
		return nil, false
	}
	for _, f := range Forms {
		if f.Shim == base {
			return f, true
		}
	}
	return nil, false
}

// isFormPath reports whether path is the package of a form.
func isFormPath(path string) bool {
	for _, f := range Forms {
		if f.Pkg == path && !f.SocketFile {
			return true
		}
	}
	return false
}

// formOfRuntime returns the form whose shim calls the runtime function name.
func formOfRuntime(name string) (*Form, bool) {
	for _, f := range Forms {
		if f.Runtime == name {
			return f, true
		}
	}
	return nil, false
}

// formNames returns the names of every form's callee, for the scan's
// quick name filter.
func formNames() []string {
	var out []string
	for _, f := range Forms {
		out = append(out, string(f.Op))
	}
	return out
}

// isServe reports whether f serves a listener it is given.
func (f *Form) isServe() bool { return f.Listener >= 0 }

// isHTTP reports whether f is one of net/http's server starts.
func (f *Form) isHTTP() bool { return f.Pkg == "net/http" }

// listenerArg is the index of the listener among the arguments of a call
// of f, counting the receiver of a shim call as its first argument when
// shimCall is set.
func (f *Form) listenerArg(shimCall bool) int { return f.argIndex(f.Listener, shimCall) }

// argIndex is the index among the arguments of a call of f of its shim
// parameter param (-1 stays -1): a method's receiver is the shim's first
// parameter, but an argument only of a shim call (shimCall).
func (f *Form) argIndex(param int, shimCall bool) int {
	if param < 0 || shimCall || f.Kind != KindMethod {
		return param
	}
	return param - 1
}

// paramNamed returns the index among f's parameters of the first named
// one of names, or -1.
func (f *Form) paramNamed(names ...string) int {
	return slices.IndexFunc(f.Params, func(p Param) bool { return slices.Contains(names, p.Name) })
}
