//go:build !linux

package cluster

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in its own process group, so that Ctrl-C in a terminal
// reaches the cluster, which stops the processes in order.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
