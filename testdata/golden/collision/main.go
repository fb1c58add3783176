// Command collision declares a function named like the shim gracefulgen
// would choose: the shim must get another name.
package main

import (
	"log"
	"net/http"
)

func gracefulListenAndServe() string { return "mine" }

func main() {
	log.Println(gracefulListenAndServe())
	log.Fatal(http.ListenAndServe(":8080", nil))
}
