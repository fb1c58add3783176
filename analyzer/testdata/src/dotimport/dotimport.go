package dotimport

import . "net/http"

func main() {
	_ = ListenAndServe(":8080", nil) // want `ListenAndServe starts a server` `ListenAndServe cannot set timeouts`
}
