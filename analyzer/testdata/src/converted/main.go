package converted

import (
	"context"
	"log"
	"net"
	"net/http"
)

type group struct{}

func (group) Go(f func() error) {}

func main() {
	log.Fatal(gracefulListenAndServe(":8080", nil))
}

func server() error {
	srv := &http.Server{Addr: ":8080"}
	return gracefulServerListenAndServe(srv)
}

func valueServer() error {
	var srv http.Server
	var g group
	g.Go(func() error { return gracefulServerListenAndServe(&srv) })
	return nil
}

func listener(ctx context.Context) error {
	srv := &http.Server{}
	l, err := gracefulListen("tcp", ":8080")
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	l2, err := gracefulListenConfigListen(&lc, ctx, "tcp", ":8081")
	if err != nil {
		return err
	}
	go gracefulServerServe(srv, l2)
	return gracefulServerServe(srv, l)
}

func literal() error {
	return gracefulServerListenAndServe(&http.Server{Addr: ":8082"})
}
