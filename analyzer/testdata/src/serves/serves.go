package serves

import (
	"context"
	"net/http"
	"time"

	"example.com/kit"
)

func main() {
	h := http.NewServeMux()
	srv := &http.Server{Addr: ":8081", Handler: h, ReadHeaderTimeout: time.Second}
	_ = kit.Serve(h, ":8080") // want `kit.Serve \(example.com/kit\) serves h itself through \(\*http.Server\).ListenAndServe, out of gracefulgen's reach; a restart cannot hand its socket over: serve it in this module instead`
	_ = kit.Run(srv)          // want `kit.Run \(example.com/kit\) serves srv itself`
	_ = kit.Plain(":8082", h) // want `kit.Plain \(example.com/kit\) serves h itself through http.ListenAndServe`
	s := kit.NewServer(":8083", h)
	_ = s.Start(context.Background()) // want `\(kit.Server\).Start \(example.com/kit\) serves s itself`
	_ = kit.Describe(srv)
	kit.Mount(h, h)
	_ = kit.Unrelated(h) // want `kit.Unrelated \(example.com/kit\) starts a net/http server of its own through http.ListenAndServe, out of gracefulgen's reach; the new process of a restart cannot bind its address`
	kit.Metrics(":9090") // want `kit.Metrics \(example.com/kit\) starts a net/http server of its own`
}
