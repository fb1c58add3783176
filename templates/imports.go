package templates

import (
	"path"
	"strconv"
)

// importOrder lists every package generated code may import. Jennifer
// writes only those the file uses: the protocols' packages (gRPC, x/net)
// only where a shim of theirs is declared, that is in a package that
// imports them already.
var importOrder = []string{"context", "crypto/tls", "errors", "net", "net/http", "os", "os/signal", "strings", "syscall", "time", RuntimePath,
	"github.com/gin-gonic/gin", "github.com/labstack/echo/v4", "github.com/labstack/echo/v5",
	"github.com/prometheus/exporter-toolkit/web",
	"golang.org/x/net/http2", "golang.org/x/net/http2/h2c", "google.golang.org/grpc"}

// defaultName is the name a path is imported under when nothing collides.
func defaultName(p string) string {
	switch p {
	case RuntimePath:
		return "graceful"
	case "github.com/labstack/echo/v4", "github.com/labstack/echo/v5":
		return "echo"
	}
	return path.Base(p)
}

// importNames chooses, for each path of importOrder, a name that is not
// taken in the package scope and differs from the other chosen names: the
// default name, else the default name followed by 2, 3, ...
func importNames(taken func(string) bool, shims []Shim) map[string]string {
	if taken == nil {
		taken = func(string) bool { return false }
	}
	names := make(map[string]string, len(importOrder))
	used := make(map[string]bool, len(importOrder))
	for _, p := range importOrder {
		if frameworkPaths[p] && !shimsUse(shims, p) {
			continue // echo v4 and v5 would otherwise take "echo" from each other
		}
		base := defaultName(p)
		name := base
		for i := 2; taken(name) || used[name]; i++ {
			name = base + strconv.Itoa(i)
		}
		names[p] = name
		used[name] = true
	}
	return names
}

// frameworkPaths are the packages of importOrder that only framework shims
// use; a file is given a name for one only when a shim of it is declared.
var frameworkPaths = map[string]bool{
	"github.com/gin-gonic/gin": true, "github.com/labstack/echo/v4": true, "github.com/labstack/echo/v5": true,
}

// shimsUse reports whether a shim's form belongs to the package path.
func shimsUse(shims []Shim, path string) bool {
	for _, s := range shims {
		if s.Form != nil && s.Form.Pkg == path {
			return true
		}
	}
	return false
}
