// Command func_value picks its start function at run time: the package
// function used as a value is renamed like a call.
package main

import (
	"log"
	"os"
)

func main() {
	start := gracefulListenAndServe
	if os.Getenv("TLS") != "" {
		log.Fatal(gracefulListenAndServeTLS(":8443", "cert.pem", "key.pem", nil))
	}
	log.Fatal(start(":8080", nil))
}
