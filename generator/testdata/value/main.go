package main

import (
	"net/http"
	"sync"
)

type group struct{ wg sync.WaitGroup }

func (g *group) Go(f func() error) { g.wg.Add(1); go func() { defer g.wg.Done(); _ = f() }() }

func main() {
	var g group
	srv := &http.Server{Addr: ":8080"}
	g.Go(srv.ListenAndServe)
	g.wg.Wait()
}
