package templates

import (
	"strings"
	"testing"
)

// TestProtocolShims shows the shims of the forms of other protocols: the
// gRPC server stops through graceful.ServeStopper, and the h2c handler's
// x/net server is configured on a private server that the drain shuts down.
func TestProtocolShims(t *testing.T) {
	src, err := Render(File{PkgPath: "example.com/app", PkgName: "main", Config: defaults,
		Shims: []Shim{{Name: "gracefulGRPCServerServe", Form: formOf("gracefulGRPCServerServe")}, {Name: "gracefulH2CNewHandler2", Form: formOf("gracefulH2CNewHandler2")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"func gracefulGRPCServerServe(s *grpc.Server, l net.Listener) error {\n\treturn graceful.ServeStopper(s, l)\n}",
		"func gracefulH2CNewHandler2(h http.Handler, s *http2.Server) http.Handler {\n\ths := &http.Server{}\n\tif err := http2.ConfigureServer(hs, s); err == nil {\n\t\tgraceful.OnShutdown(func() {\n\t\t\ths.Shutdown(context.Background())\n\t\t})\n\t}\n\treturn h2c.NewHandler(h, s)\n}",
		"\t\"google.golang.org/grpc\"\n", "\t\"golang.org/x/net/http2/h2c\"\n",
	} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the file lacks\n%s\ngot:\n%s", want, src)
		}
	}
	plain, err := Render(File{PkgPath: "example.com/app", PkgName: "main", Config: defaults, Shims: allShims})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "grpc") || strings.Contains(string(plain), "x/net") {
		t.Errorf("a file without protocol shims imports gRPC or x/net:\n%s", plain)
	}
}
