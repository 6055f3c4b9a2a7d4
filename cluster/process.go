package cluster

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// readyTimeout bounds how long WaitReady waits for a process's /readyz.
const readyTimeout = 2 * time.Minute

// Process is one `osb worker` or `osb api` process of the cluster.
type Process struct {
	Name string // worker-1, api-2, …
	Role string // worker or api
	// Addr is the API's address, or the worker's operations port: both
	// serve /readyz.
	Addr string

	bin, logPath string
	env          []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	err  error         // how it exited
}

// Start starts the process, its output appended to its log.
func (p *Process) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !closed(p.done) {
		return fmt.Errorf("%s runs already (pid %d)", p.Name, p.cmd.Process.Pid)
	}
	log, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.bin, p.Role)
	cmd.Env, cmd.Stdout, cmd.Stderr = p.env, log, log
	detach(cmd)
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting osb %s (%s): %w", p.Role, p.Name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.err = cmd, done, nil
	go func() {
		err := cmd.Wait()
		log.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// WaitReady waits until the process answers 200 on /readyz.
func (p *Process) WaitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://"+p.Addr+"/readyz", nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		p.mu.Lock()
		done, exitErr := p.done, p.err
		p.mu.Unlock()
		select {
		case <-done:
			return fmt.Errorf("osb %s (%s) exited before it was ready (%v): see %s", p.Role, p.Name, exitErr, p.logPath)
		case <-ctx.Done():
			return fmt.Errorf("osb %s (%s) is not ready at http://%s/readyz after %s: see %s", p.Role, p.Name, p.Addr, readyTimeout, p.logPath)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone.
func (p *Process) Kill() {
	p.signal(syscall.SIGKILL, 0)
}

// Stop stops the process as a supervisor does: SIGTERM, then SIGKILL after
// ten seconds.
func (p *Process) Stop() {
	p.signal(syscall.SIGTERM, 10*time.Second)
}

func (p *Process) signal(sig syscall.Signal, grace time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil || closed(done) {
		return
	}
	_ = cmd.Process.Signal(sig) // it may have exited meanwhile
	if grace > 0 {
		select {
		case <-done:
			return
		case <-time.After(grace):
			_ = cmd.Process.Kill()
		}
	}
	<-done
}

// Running reports whether the process runs.
func (p *Process) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !closed(p.done)
}

// PID is the process id of the latest start, 0 before the first.
func (p *Process) PID() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// Log is the file the process writes its log to.
func (p *Process) Log() string { return p.logPath }

func closed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
