//go:build !linux

package chaos

import "os/exec"

// dieWithParent does nothing outside Linux: a test that panics may leave
// its worker running.
func dieWithParent(*exec.Cmd) {}
