package protocols

import (
	"net"
	"net/http"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/h2c"
	"google.golang.org/grpc"
)

// grpcBesideHTTP serves gRPC on its own port: its socket is handed over and
// its server stops gracefully at the drain.
func grpcBesideHTTP() error {
	l, err := net.Listen("tcp", ":9090") // want `net.Listen opens the listener of s.Serve, which a restart does not inherit yet`
	if err != nil {
		return err
	}
	s := grpc.NewServer()
	return s.Serve(l) // want `s.Serve starts a server that is not restartable`
}

// ownAcceptLoop serves a protocol of its own on a TCP listener.
func ownAcceptLoop() error {
	l, err := net.ListenTCP("tcp", &net.TCPAddr{Port: 7000}) // want `net.ListenTCP opens a listening socket that a restart does not inherit yet`
	if err != nil {
		return err
	}
	for {
		c, err := l.AcceptTCP()
		if err != nil {
			return err
		}
		c.Close()
	}
}

func unixSocket() (*net.UnixListener, error) {
	return net.ListenUnix("unix", &net.UnixAddr{Name: "/run/app.sock", Net: "unix"}) // want `net.ListenUnix opens a listening socket`
}

// h2cServer serves unencrypted HTTP/2 through x/net's h2c handler.
func h2cServer(h http.Handler) error {
	srv := &http.Server{Addr: ":8080", Handler: h2c.NewHandler(h, &http2.Server{}), ReadHeaderTimeout: time.Second} // want `h2c.NewHandler serves h2c connections that a restart cuts`
	return srv.ListenAndServe()                                                                                     // want `srv.ListenAndServe starts a server`
}

// grpcValue: a method value of (*grpc.Server).Serve passed as an argument.
func grpcValue(s *grpc.Server, run func(func(net.Listener) error)) {
	run(s.Serve) // want `method value s.Serve starts a server`
}
