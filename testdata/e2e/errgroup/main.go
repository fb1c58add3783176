// Command errgroup starts an application and a metrics server errgroup-style,
// passing the method values srv.ListenAndServe to a small group of its own.
package main

import (
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	"example.com/e2e/internal/work"
)

// group runs functions and keeps the first error, as errgroup.Group does.
type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

// Go runs f in a goroutine.
func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

// Wait waits for every function and returns the first error.
func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

func main() {
	app := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	metrics := &http.Server{Addr: os.Getenv("E2E_ADMIN_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	var g group
	g.Go(app.ListenAndServe)
	g.Go(metrics.ListenAndServe)
	log.Fatal(g.Wait())
}
