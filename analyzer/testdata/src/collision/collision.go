package collision

import (
	"net/http"
	"time"
)

// The package declares the base names itself, so the shims need others.
func gracefulListenAndServe() {}

var gracefulServerListenAndServe = 1

func pkgFunc() error {
	return /*@s1*/ http.ListenAndServe(":8080", nil) // want `http.ListenAndServe starts a server` `cannot set timeouts`
}

func local(srv *http.Server) error {
	gracefulServerListenAndServe2 := srv                          // a local name in scope at a site
	return /*@s2*/ gracefulServerListenAndServe2.ListenAndServe() // want `gracefulServerListenAndServe2.ListenAndServe starts a server`
}

func other(srv *http.Server) error {
	return /*@s3*/ srv.ListenAndServe() // want `srv.ListenAndServe starts a server`
}

var _ = time.Second
