//go:build !windows && !js

package graceful

import "syscall"

// oNoFollow refuses to open a symlink.
const oNoFollow = syscall.O_NOFOLLOW
