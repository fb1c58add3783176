package imports

import (
	"log"
	"net"

	// http is only used by the calls the rewrite renames.
	"net/http"
)

func main() {
	l, err := net.Listen("tcp", ":8080") // want `net.Listen opens the listener`
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.Serve(l, nil)) // want `http.Serve starts a server` `cannot set timeouts`
}
