package timeoutshadow

import "net/http"

// time shadows the package name, so no fix can add the import.
var time = 3

func newServer() *http.Server {
	return &http.Server{Addr: ":8080"} // want `http.Server without ReadHeaderTimeout`
}
