// Package echo is a stub of the web framework's v5, for tests.
package echo

import (
	"context"
	"net/http"
)

type Echo struct{}

func New() *Echo { return &Echo{} }

func (e *Echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

func (e *Echo) Start(address string) error { return nil }

type StartConfig struct{ Address string }

func (sc StartConfig) Start(ctx context.Context, h http.Handler) error { return nil }

func (sc StartConfig) StartTLS(ctx context.Context, h http.Handler, certFile, keyFile any) error {
	return nil
}
