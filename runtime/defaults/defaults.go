// Package defaults holds the default settings of the gracefulgen runtime,
// in a package of their own that does nothing when imported: the runtime
// applies them (graceful.Config), and the gracefulgen command reads them
// for its flags' defaults, so that both say the same.
package defaults

import "time"

// The defaults of graceful.Config, applied to zero-valued fields.
const (
	DrainTimeout      = 30 * time.Second  // how long an old process may drain
	StartTimeout      = 60 * time.Second  // how long a new process may take to be ready
	ReadHeaderTimeout = 10 * time.Second  // given to servers that set neither it nor ReadTimeout
	IdleTimeout       = 120 * time.Second // given to servers that set none
	ReadyTimeout      = 5 * time.Second   // how long a child may take to serve every inherited socket
)
