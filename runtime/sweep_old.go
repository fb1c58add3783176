//go:build !go1.24

package graceful

import "net/http"

// servesH2C: before Go 1.24 net/http serves no unencrypted HTTP/2 itself.
func servesH2C(*http.Server) bool { return false }
