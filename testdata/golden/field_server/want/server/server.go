// Package server keeps its *http.Server in a struct field.
package server

import (
	"net/http"
	"time"
)

// App is the application.
type App struct {
	srv *http.Server
}

// New returns an App serving on addr.
func New(addr string) *App {
	return &App{srv: &http.Server{Addr: addr, Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}}
}

// Run serves until the server stops.
func (a *App) Run() error {
	return gracefulServerListenAndServe(a.srv)
}
