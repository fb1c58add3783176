package analyzer

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// SignalUse is one place where the package asks for signals itself: a call
// of signal.Notify or signal.NotifyContext.
type SignalUse struct {
	Pos  token.Pos // the call
	Call string    // its callee as written: "signal.Notify"
	// Signals names the signals asked for, as package syscall names them
	// ("SIGHUP", "SIGTERM"; os.Interrupt is "SIGINT"). Signals the
	// analyzer cannot name (a variable) are left out.
	Signals []string
	All     bool // no signal given: every signal is relayed
	Spread  bool // a spread slice: the signals are not known
}

// Asks reports whether the call asks for signal sig ("SIGHUP"): it names
// it, or relays every signal.
func (u SignalUse) Asks(sig string) bool {
	if u.All {
		return true
	}
	for _, s := range u.Signals {
		if s == sig {
			return true
		}
	}
	return false
}

// Describe says what the call asks for, for messages:
// "signal.Notify asks for SIGHUP" or "signal.Notify relays every signal".
func (u SignalUse) Describe(sig string) string {
	if u.All {
		return u.Call + " with no signal relays every signal, " + sig + " included"
	}
	return u.Call + " asks for " + sig
}

// StopUse is one reason the analyzer decided that the package handles its
// own stop (Result.HandlesStop).
type StopUse struct {
	Pos  token.Pos
	What string // "signal.Notify asks for SIGTERM", "srv.Shutdown is called"
}

// StopRemoval is a call in the app's stop path that removes a file or a
// socket: os.Remove, os.RemoveAll, syscall.Unlink. The stop path is the code
// that runs once the app received a stop signal (after the receive from the
// channel given to signal.Notify, or from the Done channel of the context of
// signal.NotifyContext), the deferred calls of main, and the functions of the
// package they call. Run in an old generation after a restart, such code
// removes what the new generation uses.
type StopRemoval struct {
	Pos  token.Pos
	Call string // the callee as written: "os.Remove"
}

// stopSignals are the signals whose handling by the app means that the app
// stops its servers itself, by package path and name.
var stopSignals = map[[2]string]bool{
	{"syscall", "SIGTERM"}:               true,
	{"syscall", "SIGINT"}:                true,
	{"golang.org/x/sys/unix", "SIGTERM"}: true,
	{"golang.org/x/sys/unix", "SIGINT"}:  true,
	{"os", "Interrupt"}:                  true,
}

// removalFuncs are the functions that remove a file or socket, by package
// path and name.
var removalFuncs = map[[2]string]bool{
	{"os", "Remove"}:                      true,
	{"os", "RemoveAll"}:                   true,
	{"syscall", "Unlink"}:                 true,
	{"syscall", "Unlinkat"}:               true,
	{"golang.org/x/sys/unix", "Unlink"}:   true,
	{"golang.org/x/sys/unix", "Unlinkat"}: true,
}

// restartSignal is the restart signal the analyzer checks signal handlers
// against where the package's generated code names none (-signal of
// gracefulvet, as of gracefulgen).
var restartSignal = "SIGHUP"

func init() {
	Analyzer.Flags.StringVar(&restartSignal, "signal", restartSignal,
		"the restart signal gracefulgen is (or will be) run with: a handler of it in the program is reported")
}

// stopState is what the scan gathers about the app's own signal handling.
type stopState struct {
	notifies []stopNotify // the calls that ask for a stop signal
}

// stopNotify is a call of signal.Notify or NotifyContext that asks for a
// stop signal, with the object it delivers the signal through (the channel,
// or the context), if it is a plain variable.
type stopNotify struct {
	cur  inspector.Cursor
	call *ast.CallExpr
	via  types.Object
	ctx  bool // NotifyContext: the signal arrives as ctx.Done()
}

// visitStop records a call of signal.Notify or signal.NotifyContext (the
// signals it asks for; HandlesStop when one of them is a stop signal) and
// any use of (*http.Server).Shutdown (HandlesStop).
func (c *checker) visitStop(r ref, fn *types.Func) {
	if fn.Pkg() == nil {
		return
	}
	switch path := fn.Pkg().Path(); {
	case path == "net/http" && receiverName(fn) == "Server" && fn.Name() == "Shutdown":
		c.res.HandlesStop = true
		c.res.StopUses = append(c.res.StopUses, StopUse{Pos: r.expr.Pos(), What: c.text(r.expr) + " is called"})
	case path == "os/signal" && (fn.Name() == "Notify" || fn.Name() == "NotifyContext") && r.call != nil:
		if len(r.call.Args) == 0 {
			return
		}
		u := c.signalUse(r.call, r.call.Args[1:])
		u.Call = c.text(r.expr)
		c.res.Signals = append(c.res.Signals, u)
		stop := ""
		for _, s := range u.Signals {
			if s == "SIGTERM" || s == "SIGINT" {
				stop = s
				break
			}
		}
		if stop == "" && !u.All && !u.Spread {
			return
		}
		c.res.HandlesStop = true
		what := u.Call + " asks for " + stop
		switch {
		case u.All:
			what = u.Call + " relays every signal"
		case stop == "":
			what = u.Call + " may ask for SIGTERM/SIGINT (a spread slice)"
		}
		c.res.StopUses = append(c.res.StopUses, StopUse{Pos: r.call.Pos(), What: what})
		n := stopNotify{cur: r.cur, call: r.call, ctx: fn.Name() == "NotifyContext"}
		if n.ctx {
			n.via = c.assignedTo(r)
		} else if id, ok := ast.Unparen(r.call.Args[0]).(*ast.Ident); ok {
			n.via = c.info.Uses[id]
		}
		c.stop.notifies = append(c.stop.notifies, n)
	}
}

// signalUse names the signals of a Notify call. No signals means all
// signals; a spread slice is not known.
func (c *checker) signalUse(call *ast.CallExpr, signals []ast.Expr) SignalUse {
	u := SignalUse{Pos: call.Pos()}
	switch {
	case call.Ellipsis.IsValid():
		u.Spread = true
		return u
	case len(signals) == 0:
		u.All = true
		return u
	}
	for _, sig := range signals {
		var id *ast.Ident
		switch e := ast.Unparen(sig).(type) {
		case *ast.Ident:
			id = e
		case *ast.SelectorExpr:
			id = e.Sel
		}
		if id == nil {
			continue
		}
		obj := c.info.Uses[id]
		if obj == nil || obj.Pkg() == nil {
			continue
		}
		switch path := obj.Pkg().Path(); {
		case path == "os" && obj.Name() == "Interrupt":
			u.Signals = append(u.Signals, "SIGINT")
		case path == "os" && obj.Name() == "Kill":
			u.Signals = append(u.Signals, "SIGKILL")
		case (path == "syscall" || path == "golang.org/x/sys/unix") && strings.HasPrefix(obj.Name(), "SIG"):
			u.Signals = append(u.Signals, obj.Name())
		}
	}
	return u
}

// assignedTo returns the variable the first result of the call of r is
// assigned to (ctx in ctx, stop := signal.NotifyContext(...)), if any.
func (c *checker) assignedTo(r ref) types.Object {
	parent := r.outer.Parent().Parent() // the call's parent
	for {
		if _, ok := parent.Node().(*ast.ParenExpr); !ok {
			break
		}
		parent = parent.Parent()
	}
	switch n := parent.Node().(type) {
	case *ast.AssignStmt:
		if len(n.Rhs) == 1 && len(n.Lhs) > 0 {
			if id, ok := n.Lhs[0].(*ast.Ident); ok {
				if obj := c.info.Defs[id]; obj != nil {
					return obj
				}
				return c.info.Uses[id]
			}
		}
	case *ast.ValueSpec:
		if len(n.Values) == 1 && len(n.Names) > 0 {
			return c.info.Defs[n.Names[0]]
		}
	}
	return nil
}

// findStopRemovals fills Result.StopRemovals: the calls that remove a file
// or socket in the app's stop path (see StopRemoval).
func (c *checker) findStopRemovals(in *inspector.Inspector) {
	w := &stopWalk{c: c, seen: map[token.Pos]bool{}, visited: map[*types.Func]bool{}, decls: map[*types.Func]*ast.FuncDecl{}}
	mainDecl := c.collectDecls(w.decls)
	for _, n := range c.stop.notifies {
		c.walkAfterSignal(in, w, n)
	}
	if mainDecl != nil {
		walkDeferred(w, mainDecl)
	}
	sort.Slice(c.res.StopRemovals, func(i, j int) bool { return c.res.StopRemovals[i].Pos < c.res.StopRemovals[j].Pos })
}

// collectDecls records the package's function declarations by object and
// returns func main's (nil outside a main package).
func (c *checker) collectDecls(decls map[*types.Func]*ast.FuncDecl) (mainDecl *ast.FuncDecl) {
	for _, file := range c.pass.Files {
		if c.skipFile(file) {
			continue
		}
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if fn, ok := c.info.Defs[fd.Name].(*types.Func); ok {
				decls[fn] = fd
			}
			if c.pass.Pkg.Name() == "main" && fd.Recv == nil && fd.Name.Name == "main" {
				mainDecl = fd
			}
		}
	}
	return mainDecl
}

// walkAfterSignal walks what runs after the signal of n arrived: the rest of
// each function that receives from n's channel or context, or, when none is
// found, the rest of the function that called signal.Notify.
func (c *checker) walkAfterSignal(in *inspector.Inspector, w *stopWalk, n stopNotify) {
	found := false
	if n.via != nil {
		for _, file := range c.pass.Files {
			if c.skipFile(file) {
				continue
			}
			fileCur, ok := in.Root().FindNode(file)
			if !ok {
				continue
			}
			for cur := range fileCur.Preorder((*ast.UnaryExpr)(nil), (*ast.RangeStmt)(nil)) {
				if !c.receives(cur.Node(), n) {
					continue
				}
				if fn, ok := enclosingFunc(cur); ok {
					found = true
					w.walk(fn, cur.Node().Pos())
				}
			}
		}
	}
	if !found {
		if fn, ok := enclosingFunc(n.cur); ok {
			w.walk(fn, n.call.Pos())
		}
	}
}

// walkDeferred walks the deferred calls of main, which run when main
// returns.
func walkDeferred(w *stopWalk, mainDecl *ast.FuncDecl) {
	ast.Inspect(mainDecl.Body, func(node ast.Node) bool {
		switch node := node.(type) {
		case *ast.FuncLit:
			return false // its defers are its own
		case *ast.DeferStmt:
			if lit, ok := ast.Unparen(node.Call.Fun).(*ast.FuncLit); ok {
				w.walk(lit.Body, token.NoPos)
			} else {
				w.call(node.Call)
			}
			for _, a := range node.Call.Args {
				w.walk(a, token.NoPos)
			}
			return false
		}
		return true
	})
}

// receives reports whether node receives from what n delivers the signal
// through: <-ch, range ch, or <-ctx.Done().
func (c *checker) receives(node ast.Node, n stopNotify) bool {
	var x ast.Expr
	switch node := node.(type) {
	case *ast.UnaryExpr:
		if node.Op != token.ARROW {
			return false
		}
		x = ast.Unparen(node.X)
	case *ast.RangeStmt:
		x = ast.Unparen(node.X)
	}
	if n.ctx {
		call, ok := x.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Done" {
			return false
		}
		x = ast.Unparen(sel.X)
	}
	id, ok := x.(*ast.Ident)
	return ok && c.info.Uses[id] == n.via
}

// enclosingFunc returns the body of the innermost function around cur.
func enclosingFunc(cur inspector.Cursor) (*ast.BlockStmt, bool) {
	for f := range cur.Enclosing((*ast.FuncDecl)(nil), (*ast.FuncLit)(nil)) {
		switch n := f.Node().(type) {
		case *ast.FuncDecl:
			return n.Body, n.Body != nil
		case *ast.FuncLit:
			return n.Body, true
		}
	}
	return nil, false
}

// stopWalk follows the stop path through the functions of the package.
type stopWalk struct {
	c       *checker
	decls   map[*types.Func]*ast.FuncDecl
	visited map[*types.Func]bool
	seen    map[token.Pos]bool
}

// walk looks at every call in n that starts after after.
func (w *stopWalk) walk(n ast.Node, after token.Pos) {
	if n == nil {
		return
	}
	ast.Inspect(n, func(node ast.Node) bool {
		if call, ok := node.(*ast.CallExpr); ok && call.Pos() > after {
			w.call(call)
		}
		return true
	})
}

// call records call when it removes a file, and follows it into the
// function it calls when that is declared in the package.
func (w *stopWalk) call(call *ast.CallExpr) {
	fn := typeutil.StaticCallee(w.c.info, call)
	if fn == nil || fn.Pkg() == nil {
		return
	}
	fn = fn.Origin()
	if removalFuncs[[2]string{fn.Pkg().Path(), fn.Name()}] {
		if !w.seen[call.Pos()] {
			w.seen[call.Pos()] = true
			w.c.res.StopRemovals = append(w.c.res.StopRemovals, StopRemoval{Pos: call.Pos(), Call: w.c.text(call.Fun)})
		}
		return
	}
	if fn.Pkg() != w.c.pass.Pkg || w.visited[fn] {
		return
	}
	w.visited[fn] = true
	if d := w.decls[fn]; d != nil {
		w.walk(d.Body, token.NoPos)
	}
}

// generatedSignal returns the restart signal the package's generated code
// configures (RestartSignal: syscall.SIGUSR2), or "".
func (c *checker) generatedSignal() string {
	sig := ""
	for _, file := range c.pass.Files {
		if !ast.IsGenerated(file) {
			continue
		}
		ast.Inspect(file, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok {
				return true
			}
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "RestartSignal" {
				if sel, ok := kv.Value.(*ast.SelectorExpr); ok {
					sig = sel.Sel.Name
				}
			}
			return true
		})
	}
	return sig
}

// reportSignals reports, in category "signal", each handler of the restart
// signal (-signal, SIGHUP by default): converted, the program would restart
// on the signal it uses for something else. A package whose generated code
// configures the runtime is not reported: gracefulgen chose its signal,
// refusing one the program handles unless the user named it with -signal.
func (c *checker) reportSignals() {
	if c.generatedSignal() != "" {
		return
	}
	sig := restartSignal
	for _, u := range c.res.Signals {
		if !u.Asks(sig) {
			continue
		}
		c.pass.Report(analysis.Diagnostic{
			Pos: u.Pos, Category: "signal",
			Message: fmt.Sprintf("%s, the restart signal: converted, the program would restart on every %s instead of handling it; %s", u.Describe(sig), sig, SignalRemedy(sig, c.res.Signals)),
		})
	}
}

// restartSignals are the restart signals gracefulgen offers (-signal), in
// the order a remedy suggests them.
var restartSignals = []string{"SIGUSR2", "SIGUSR1", "SIGHUP"}

// SignalRemedy says what to do about a program that asks for the restart
// signal sig in one of uses: name a restart signal that none of uses asks
// for, or, where the program asks for every one (caddy: SIGHUP, SIGUSR1
// and SIGUSR2), name the one whose handling it can give up.
func SignalRemedy(sig string, uses []SignalUse) string {
	for _, other := range restartSignals {
		if other != sig && !slices.ContainsFunc(uses, func(u SignalUse) bool { return u.Asks(other) }) {
			return fmt.Sprintf("run gracefulgen -signal %s (a signal it does not use), or -signal %s to give %s to restarts", other, sig, sig)
		}
	}
	return fmt.Sprintf("it asks for every restart signal gracefulgen offers (SIGHUP, SIGUSR1, SIGUSR2): run gracefulgen -signal with the one whose handling it can give up (-signal %s gives %s to restarts)", sig, sig)
}
