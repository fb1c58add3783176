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
	log.Fatal( /*@s1*/ gracefulListenAndServe(":8080", nil))
}

func server() error {
	srv := &http.Server{Addr: ":8080"}
	return /*@s2*/ gracefulServerListenAndServe(srv)
}

func valueServer() error {
	var srv http.Server
	var g group
	g.Go(func() error { return /*@s3*/ gracefulServerListenAndServe(&srv) })
	return nil
}

func listener(ctx context.Context) error {
	srv := &http.Server{}
	l, err := /*@s4*/ gracefulListen("tcp", ":8080")
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	l2, err := /*@s5*/ gracefulListenConfigListen(&lc, ctx, "tcp", ":8081")
	if err != nil {
		return err
	}
	go /*@s6*/ gracefulServerServe(srv, l2)
	return /*@s7*/ gracefulServerServe(srv, l)
}

func literal() error {
	return /*@s8*/ gracefulServerListenAndServe(&http.Server{Addr: ":8082"})
}
