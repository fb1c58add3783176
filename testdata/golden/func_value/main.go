// Command func_value picks its start function at run time: the package
// function used as a value is renamed like a call.
package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	start := http.ListenAndServe
	if os.Getenv("TLS") != "" {
		log.Fatal(http.ListenAndServeTLS(":8443", "cert.pem", "key.pem", nil))
	}
	log.Fatal(start(":8080", nil))
}
