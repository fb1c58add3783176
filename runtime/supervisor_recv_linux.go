package graceful

import "syscall"

// recvFlags makes received descriptors close-on-exec atomically.
const recvFlags = syscall.MSG_CMSG_CLOEXEC
