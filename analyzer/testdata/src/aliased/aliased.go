package aliased

import nethttp "net/http"

func main() {
	_ = nethttp.ListenAndServe(":8080", nil) // want `nethttp.ListenAndServe starts a server` `nethttp.ListenAndServe cannot set timeouts`
}
