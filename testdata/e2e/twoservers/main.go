// Command twoservers runs an application server and an admin server in one
// process.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"example.com/e2e/internal/work"
)

func main() {
	admin := http.NewServeMux()
	admin.Handle("/", work.Handler()) // health, metrics, pprof...
	adminSrv := &http.Server{Addr: os.Getenv("E2E_ADMIN_ADDR"), Handler: admin, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		log.Fatal(adminSrv.ListenAndServe())
	}()

	app := &http.Server{Addr: os.Getenv("E2E_ADDR"), Handler: work.Handler(), ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(app.ListenAndServe())
}
