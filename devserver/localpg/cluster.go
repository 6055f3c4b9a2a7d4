package localpg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Files inside the data folder.
const (
	logFileName = "server.log"
	hbaFileName = "pg_hba.conf"
	pidFileName = "postmaster.pid"
)

// hbaConf trusts every local TCP connection and nothing else.
const hbaConf = `# Written by osb (devserver/localpg): a private cluster for development and tests.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
`

// logTailLines is how much of the server log an error shows.
const logTailLines = 20

// pollInterval is how often a starting server is asked whether it answers.
const pollInterval = 100 * time.Millisecond

// cluster is one data folder and the programs that run it.
type cluster struct {
	bin      binaries
	as       account
	dir      string // the data folder the server uses
	fallback bool   // dir is under fallbackRoot: the account cannot reach opts.DataDir
	opts     Options
	log      *slog.Logger
}

func newCluster(ctx context.Context, o Options) (*cluster, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	as, err := currentAccount()
	if err != nil {
		return nil, err
	}
	dir, fallback := resolveDataDir(ctx, as, o.DataDir)
	c := &cluster{bin: bin, as: as, dir: dir, fallback: fallback, opts: o, log: o.Logger}
	if fallback {
		c.log.Info("the postgres user cannot reach the project data folder, so the cluster lives elsewhere",
			"project_dir", o.DataDir, "data_dir", dir)
	} else {
		c.log.Info("local PostgreSQL data folder", "data_dir", dir)
	}
	return c, nil
}

func (c *cluster) logFile() string { return filepath.Join(c.dir, logFileName) }

// ensureRunning initialises the cluster if needed, starts it unless it runs, and waits
// until it answers on the configured port.
func (c *cluster) ensureRunning(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, startTimeout)
		defer cancel()
	}
	if err := prepareDataDir(c.as, c.dir, c.fallback); err != nil {
		return err
	}
	if !initialised(c.dir) {
		if err := c.initdb(ctx); err != nil {
			return err
		}
	}
	running, err := c.running(ctx)
	if err != nil {
		return err
	}
	if running {
		if err := c.checkRunningPort(); err != nil {
			return err
		}
	} else if err := c.start(ctx); err != nil {
		return err
	}
	return c.waitUntilAnswers(ctx)
}

// initdb creates the cluster with a postgres superuser and UTF-8 text.
func (c *cluster) initdb(ctx context.Context) error {
	c.log.Info("initialising PostgreSQL cluster", "data_dir", c.dir)
	cmd := c.as.command(ctx, c.bin.initdb, "-D", c.dir, "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--no-locale")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("localpg: initdb failed in %s: %w\n%s", c.dir, err, tail(out, logTailLines))
	}
	return nil
}

// start launches the server detached from this process and waits for pg_ctl to see it ready.
// Settings go on the command line, so each start applies the current Options.
func (c *cluster) start(ctx context.Context) error {
	if err := os.WriteFile(filepath.Join(c.dir, hbaFileName), []byte(hbaConf), 0o600); err != nil {
		return fmt.Errorf("localpg: write %s: %w", hbaFileName, err)
	}
	c.log.Info("starting PostgreSQL", "data_dir", c.dir, "port", c.opts.Port, "log", c.logFile())
	cmd := c.as.command(ctx, c.bin.pgCtl, "start", "-D", c.dir, "-l", c.logFile(),
		"-w", "-t", waitSeconds(ctx), "-o", c.serverOptions())
	setsid(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return c.startError(pgCtlError(out, err))
	}
	return nil
}

// serverOptions are the postgres flags: TCP on 127.0.0.1 only, no Unix
// socket. Commits are synchronous, as in production: a projection write the
// workflow was told is done must survive a crash of the machine.
func (c *cluster) serverOptions() string {
	return fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "+
		"-c max_connections=200 -c synchronous_commit=on", c.opts.Port)
}

// running asks pg_ctl whether a server runs in the data folder.
func (c *cluster) running(ctx context.Context) (bool, error) {
	out, err := c.as.command(ctx, c.bin.pgCtl, "status", "-D", c.dir).CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && (exit.ExitCode() == 3 || exit.ExitCode() == 4):
		return false, nil // 3: not running; 4: no usable data folder yet
	default:
		return false, fmt.Errorf("localpg: pg_ctl status failed in %s: %w: %s", c.dir, err, bytes.TrimSpace(out))
	}
}

// checkRunningPort refuses a server of this folder that listens on another port,
// which waiting could never fix.
func (c *cluster) checkRunningPort() error {
	data, err := os.ReadFile(filepath.Join(c.dir, pidFileName))
	if err != nil {
		return nil // it stopped meanwhile; waiting will tell
	}
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		return nil
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil || port == c.opts.Port {
		return nil
	}
	return fmt.Errorf("localpg: the PostgreSQL server of %s runs on port %d, not %d: stop it with `%s stop -D %s` or use port %d",
		c.dir, port, c.opts.Port, c.bin.pgCtl, c.dir, port)
}

// waitUntilAnswers pings the server until it accepts connections or ctx ends.
func (c *cluster) waitUntilAnswers(ctx context.Context) error {
	url := c.opts.adminURL()
	for !Answers(ctx, url) {
		select {
		case <-ctx.Done():
			return c.startError(fmt.Errorf("no answer on port %d: %w", c.opts.Port, ctx.Err()))
		case <-time.After(pollInterval):
		}
	}
	c.log.Info("PostgreSQL answers", "port", c.opts.Port)
	return nil
}

// stop shuts a running server down fast; a stopped or missing cluster is left alone.
func (c *cluster) stop(ctx context.Context) error {
	if !initialised(c.dir) {
		return nil
	}
	running, err := c.running(ctx)
	if err != nil || !running {
		return err
	}
	c.log.Info("stopping PostgreSQL", "data_dir", c.dir)
	out, err := c.as.command(ctx, c.bin.pgCtl, "stop", "-D", c.dir, "-m", "fast", "-w").CombinedOutput()
	if err != nil {
		return fmt.Errorf("localpg: pg_ctl stop failed in %s: %w: %s", c.dir, err, bytes.TrimSpace(out))
	}
	return nil
}

// startError explains a failed start and shows the end of the server log.
func (c *cluster) startError(cause error) error {
	logTail := "(no server log)"
	if data, err := os.ReadFile(c.logFile()); err == nil {
		logTail = tail(data, logTailLines)
	}
	return fmt.Errorf("localpg: PostgreSQL did not start in %s (%v); last lines of %s:\n%s",
		c.dir, cause, c.logFile(), logTail)
}

// pgCtlError keeps pg_ctl's own complaint ("pg_ctl: could not start server") from its
// chatty output, or else err.
func pgCtlError(out []byte, err error) error {
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "pg_ctl:") {
			return errors.New(strings.TrimSpace(line))
		}
	}
	return err
}

// waitSeconds is what is left of ctx's deadline, in whole seconds, for pg_ctl -t.
func waitSeconds(ctx context.Context) string {
	secs := startTimeout.Seconds()
	if deadline, ok := ctx.Deadline(); ok {
		secs = math.Max(1, math.Floor(time.Until(deadline).Seconds()))
	}
	return strconv.Itoa(int(secs))
}

// setsid puts cmd and the server it forks in a session of their own, so that a
// Ctrl-C meant for this process does not reach the server.
func setsid(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setsid = true
}

// tail returns the last n lines of text.
func tail(text []byte, n int) string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n")
}
