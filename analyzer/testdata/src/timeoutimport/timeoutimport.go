package timeoutimport

import (
	"net/http"
)

func newServer() *http.Server {
	return &http.Server{Addr: ":8080"} // want `http.Server without ReadHeaderTimeout`
}
