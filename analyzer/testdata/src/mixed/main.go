package mixed

import (
	"net/http"
	"time"
)

func converted() error {
	return /*@s1*/ gracefulListenAndServe(":8080", nil)
}

// added after the program was converted: the new sites reuse the shim
// of their kind, or get a new one.
func added() error {
	go /*@s2*/ http.ListenAndServe(":8081", nil) // want `http.ListenAndServe starts a server` `cannot set timeouts`
	srv := &http.Server{ReadHeaderTimeout: time.Second}
	return /*@s3*/ srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
}
