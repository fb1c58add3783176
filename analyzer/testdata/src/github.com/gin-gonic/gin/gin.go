// Package gin is a stub of the web framework, for tests.
package gin

import (
	"net"
	"net/http"
)

type Engine struct{}

func Default() *Engine { return &Engine{} }

func (e *Engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

func (e *Engine) Handler() http.Handler { return e }

func (e *Engine) Run(addr ...string) error { return nil }

func (e *Engine) RunTLS(addr, cert, key string) error { return nil }

func (e *Engine) RunUnix(file string) error { return nil }

func (e *Engine) RunListener(l net.Listener) error { return nil }

func (e *Engine) RunFd(fd int) error { return nil }
