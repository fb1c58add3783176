package analyzer

import (
	"go/token"

	"golang.org/x/tools/go/analysis"
)

// Op names the operation a site performs: the callee's name. The site's
// Form says which function or method it is exactly.
type Op string

// The operations the analyzer recognises.
const (
	OpListenAndServe    Op = "ListenAndServe"    // http.ListenAndServe / (*http.Server).ListenAndServe
	OpListenAndServeTLS Op = "ListenAndServeTLS" // http.ListenAndServeTLS / (*http.Server).ListenAndServeTLS
	OpServe             Op = "Serve"             // http.Serve / (*http.Server).Serve
	OpServeTLS          Op = "ServeTLS"          // http.ServeTLS / (*http.Server).ServeTLS
	OpListen            Op = "Listen"            // net.Listen / (*net.ListenConfig).Listen
	OpListenTCP         Op = "ListenTCP"         // net.ListenTCP
	OpListenUnix        Op = "ListenUnix"        // net.ListenUnix
	OpListenPacket      Op = "ListenPacket"      // net.ListenPacket / (*net.ListenConfig).ListenPacket
	OpListenUDP         Op = "ListenUDP"         // net.ListenUDP
	OpListenUnixgram    Op = "ListenUnixgram"    // net.ListenUnixgram
	OpNewHandler        Op = "NewHandler"        // h2c.NewHandler
	OpServeMultiple     Op = "ServeMultiple"     // exporter-toolkit's web.ServeMultiple
)

// Kind says which form of call a site is, and so how it is rewritten.
type Kind int

// The kinds of site.
const (
	// KindFunc is a package-level function: http.ListenAndServe(addr, h), net.Listen(n, a).
	KindFunc Kind = iota + 1
	// KindMethod is a method whose receiver becomes the shim's first argument:
	// srv.ListenAndServe() -> shim(srv); lc.Listen(ctx, n, a) -> shim(&lc, ctx, n, a).
	KindMethod
)

// Status says what the generator may do with a site.
type Status int

// The statuses of a site.
const (
	// Rewritable: Edits turn the site into a call of Shim.
	Rewritable Status = iota + 1
	// Converted: the site already calls a shim declared in the package's
	// generated zz_graceful.go; nothing to edit, but the shim must stay declared.
	Converted
	// NotRewritable: the site starts a server that cannot be made restartable
	// safely; Reason says why and what the user can do.
	NotRewritable
)

// Span is a range of source positions: [Pos, End).
type Span struct{ Pos, End token.Pos }

// IsValid reports whether the span is set.
func (s Span) IsValid() bool { return s.Pos.IsValid() }

// Site is one server start (or listener feeding one) found in a package.
type Site struct {
	Pos    token.Pos // start of the expression the site names (callee, method value or listener), for messages
	End    token.Pos // end of that expression
	Kind   Kind
	Op     Op
	Status Status
	Shim   string // package-local function name the site calls once rewritten (empty if NotRewritable)
	Reason string // for NotRewritable: why, and the remedy, in one line

	// Original is the source text from Pos to End as it stands: the callee
	// ("http.ListenAndServe", "srv.Serve", "net.Listen", or the shim of a
	// Converted site), the method value, or the listener a NotRewritable
	// listener site names. Messages quote it.
	Original string

	// Call spans the whole call the site is the callee of, parentheses and
	// arguments included; it is not set (Call.IsValid() false) where the
	// site is a method value or a function used as a value. What a Rewritable
	// site replaces, and -revert puts back, is Call when it is set, else Pos
	// to End.
	Call Span

	// Edits turn the site into a call of Shim. They lie within the site's own
	// file and do not overlap the Edits of any other site.
	Edits []analysis.TextEdit

	// ListenConfig is true when the site's receiver is a *net.ListenConfig
	// (KindMethod, OpListen) rather than an *http.Server.
	ListenConfig bool
	// Form is the start form the site calls (nil for a NotRewritable site
	// of no form: a framework start, a listener of unknown origin).
	Form *Form
	// MethodValue is true when the site is a method value passed as an
	// argument (g.Go(srv.ListenAndServe)); its Edits replace it with a
	// function literal calling the shim.
	MethodValue bool

	// Deferred is set on a NotRewritable listener site whose listener
	// arrives only through parameters of exported functions (params.go):
	// the calls of those functions in other packages decide, and the
	// generator drops the site when every such call in its run passes a
	// listener it converts.
	Deferred []Deferral

	plan sitePlan // how the site was found; used to build Edits and messages
}

// Shim is one package-local function that zz_graceful.go must declare.
type Shim struct {
	Name string // collision-free within the package
	Kind Kind
	Op   Op
	// ListenConfig is true for the KindMethod/OpListen shim, whose receiver is
	// a *net.ListenConfig rather than an *http.Server.
	ListenConfig bool
	Form         *Form       // the form of the sites the shim serves
	Sites        []token.Pos // the sites served, in source order (for comments)
}

// ListenerCall is a call of a function of another package of the module
// that returns a listener a Serve of this package serves.
type ListenerCall struct {
	Pos  token.Pos // the call
	Pkg  string    // the path of the callee's package
	Func string    // the callee's full name (types.Func.FullName)
}

// ListenerReturn is an exported function of the package that returns a
// listener the runtime cannot always hand over: a package that serves what
// it returns cannot tell, and the generator matches its calls
// (Result.ListenersFrom) with these.
type ListenerReturn struct {
	Func   string    // its full name (types.Func.FullName)
	Pos    token.Pos // the returned value that cannot be handed over, or the function
	Reason string    // why, as origin.whyNot says it
}

// Result is the analyzer's result for one package: the plan the generator applies.
type Result struct {
	Sites []*Site // in source order
	Shims []*Shim // the shims the package needs (Rewritable and Converted sites), sorted by Name

	// ImportEdits delete imports that the rewrite of every Rewritable site of
	// a file would leave unused.
	ImportEdits []analysis.TextEdit

	// ListenersFrom lists the calls of functions of other packages of the
	// module that return listeners this package serves: their listeners
	// are converted in those packages, so the generator makes sure that
	// they are converted too.
	ListenersFrom []ListenerCall

	// ListenerReturns are the package's exported functions that return a
	// listener the runtime cannot always hand over (a socket-activation
	// library's listener beside a net.Listen, a parameter): the generator
	// names the calls of the module's other packages that serve one.
	ListenerReturns []ListenerReturn

	// ListenerArgs are the calls of functions of other packages of the
	// module that pass them listeners: what the Deferred sites of those
	// packages wait for.
	ListenerArgs []ListenerArg

	// HandlesStop is true when the package handles SIGTERM/SIGINT itself
	// (signal.Notify / signal.NotifyContext naming syscall.SIGTERM,
	// syscall.SIGINT or os.Interrupt, or no signal at all, which relays
	// every signal, or a spread slice, which may hold them; or any use of
	// (*http.Server).Shutdown), so the runtime must leave the stop to the app.
	HandlesStop bool
	// StopUses are the places that make HandlesStop true, in source order.
	StopUses []StopUse

	// Signals are the package's own calls of signal.Notify and
	// signal.NotifyContext, in source order, whatever signals they ask for.
	Signals []SignalUse

	// StopRemovals are the calls in the app's stop path that remove a file
	// or socket, in source order (see StopRemoval).
	StopRemovals []StopRemoval
}
