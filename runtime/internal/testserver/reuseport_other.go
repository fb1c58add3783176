//go:build !linux

package main

import "errors"

// setReusePort is for Linux only, where the tests that ask for it run.
func setReusePort(uintptr) error { return errors.New("SO_REUSEPORT: only on Linux here") }
