package localpg

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// serverUser is the system user that runs the server when this process is root,
// because PostgreSQL refuses to run as root.
const serverUser = "postgres"

// account is the user the server programs run as; the zero value (root == false) is
// the current user.
type account struct {
	root bool // this process is root, so commands switch to cred
	cred syscall.Credential
}

// currentAccount returns the postgres system user when running as root, else the current user.
func currentAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return account{}, fmt.Errorf("localpg: PostgreSQL refuses to run as root and the %q system user is missing: create it (useradd --system %s) or run as a regular user: %w", serverUser, serverUser, err)
	}
	cred, err := credential(u)
	if err != nil {
		return account{}, fmt.Errorf("localpg: read ids of user %q: %w", serverUser, err)
	}
	return account{root: true, cred: cred}, nil
}

func credential(u *user.User) (syscall.Credential, error) {
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return syscall.Credential{}, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return syscall.Credential{}, err
	}
	cred := syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	groups, _ := u.GroupIds()
	for _, g := range groups {
		if id, err := strconv.ParseUint(g, 10, 32); err == nil {
			cred.Groups = append(cred.Groups, uint32(id))
		}
	}
	return cred, nil
}

// command prepares a program to run as the account, from "/" so that an unreachable
// working folder does not matter.
func (a account) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = "/"
	if a.root {
		cred := a.cred
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &cred}
	}
	return cmd
}

// canReach reports whether the account may traverse dir and every folder above it.
func (a account) canReach(ctx context.Context, dir string) bool {
	if !a.root {
		return true
	}
	return a.command(ctx, "test", "-x", dir).Run() == nil
}

// own gives path to the account, so the server may use it.
func (a account) own(path string) error {
	if !a.root {
		return nil
	}
	return os.Chown(path, int(a.cred.Uid), int(a.cred.Gid))
}
