// Command listenandserve is the simplest server: http.ListenAndServe under log.Fatal.
package main

import (
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello\n"))
	})
	log.Fatal(gracefulListenAndServe(":8080", nil))
}
