package httptestpkg

import (
	"net/http"
	"net/http/httptest"
)

// Fake is a server for the package's users' tests.
func Fake(h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Start()
	return httptest.NewServer(h)
}
