// Command method_value starts its servers errgroup-style, passing the
// method value srv.ListenAndServe to a Go method.
package main

import (
	"log"
	"net/http"
	"sync"
	"time"
)

// group is a minimal errgroup.Group.
type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

func main() {
	srv := &http.Server{Addr: ":8080", ReadHeaderTimeout: time.Second}
	var g group
	g.Go(func() error { return gracefulServerListenAndServe(srv) })
	log.Fatal(g.Wait())
}
