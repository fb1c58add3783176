package templates

import (
	"path"
	"strconv"
)

// importOrder lists every package generated code may import. Jennifer
// writes only those the file uses: the protocols' packages (gRPC, x/net)
// only where a shim of theirs is declared, that is in a package that
// imports them already.
var importOrder = []string{"context", "net", "net/http", "syscall", "time", RuntimePath,
	"golang.org/x/net/http2", "golang.org/x/net/http2/h2c", "google.golang.org/grpc",
	"errors", "strings", "github.com/prometheus/exporter-toolkit/web"}

// defaultName is the name a path is imported under when nothing collides.
func defaultName(p string) string {
	if p == RuntimePath {
		return "graceful"
	}
	return path.Base(p)
}

// importNames chooses, for each path of importOrder, a name that is not
// taken in the package scope and differs from the other chosen names: the
// default name, else the default name followed by 2, 3, ...
func importNames(taken func(string) bool) map[string]string {
	if taken == nil {
		taken = func(string) bool { return false }
	}
	names := make(map[string]string, len(importOrder))
	used := make(map[string]bool, len(importOrder))
	for _, p := range importOrder {
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
