package chaos

import (
	"os/exec"
	"syscall"
)

// dieWithParent has the kernel kill cmd when this test process dies, so a
// test that panics (its timeout) leaves no worker behind.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
