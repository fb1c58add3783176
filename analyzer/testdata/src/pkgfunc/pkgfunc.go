package pkgfunc

import (
	"log"
	"net"
	"net/http"
)

func main() {
	log.Fatal( /*@s1*/ http.ListenAndServe(":8080", nil)) // want `http.ListenAndServe starts a server that is not restartable: run gracefulgen` `http.ListenAndServe cannot set timeouts`
}

func tls(h http.Handler) error {
	return /*@s2*/ http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", h) // want `http.ListenAndServeTLS starts a server` `http.ListenAndServeTLS cannot set timeouts`
}

func serve(h http.Handler) error {
	l, err := /*@s3*/ net.Listen("tcp", ":8080") // want `net.Listen opens the listener of http.Serve, which a restart does not inherit yet`
	if err != nil {
		return err
	}
	return /*@s4*/ http.Serve(l, h) // want `http.Serve starts a server` `http.Serve cannot set timeouts`
}

func serveTLS(h http.Handler) error {
	l, err := /*@s5*/ net.Listen("unix", "/tmp/app.sock") // want `net.Listen opens the listener of http.ServeTLS`
	if err != nil {
		return err
	}
	return /*@s6*/ http.ServeTLS(l, h, "cert.pem", "key.pem") // want `http.ServeTLS starts a server` `http.ServeTLS cannot set timeouts`
}

// value: a package function used as a value is renamed like a call.
var start = /*@s7*/ http.ListenAndServe // want `http.ListenAndServe starts a server`

func goroutine() {
	go /*@s8*/ http.ListenAndServe(":8081", nil) // want `http.ListenAndServe starts a server` `http.ListenAndServe cannot set timeouts`
	func() {
		_ = /*@s9*/ http.ListenAndServe(":8082", nil) // want `http.ListenAndServe starts a server` `http.ListenAndServe cannot set timeouts`
	}()
}
