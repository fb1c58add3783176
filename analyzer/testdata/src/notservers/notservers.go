package notservers

import (
	"net"

	"github.com/valyala/fasthttp"

	"notservers/http"
)

// server is a user type with its own ListenAndServe and Serve.
type server struct{}

func (server) ListenAndServe() error       { return nil }
func (server) Serve(l net.Listener) error { return nil }

func main() {
	var s server
	_ = s.ListenAndServe()
	_ = http.ListenAndServe(":8080", nil)
	_ = (&http.Server{}).ListenAndServe()
}

func serve(l net.Listener) {
	var s server
	_ = s.Serve(l)
	_ = fasthttp.ListenAndServe(":8081", nil)
	fs := &fasthttp.Server{}
	_ = fs.ListenAndServe(":8082")
	_ = fs.Serve(l)
}
