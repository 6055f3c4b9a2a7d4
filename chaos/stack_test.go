package chaos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"osb/devserver"
	"osb/devserver/localpg"
	"osb/internal/app"
	"osb/postgres"
	"osb/sales"
	"osb/starter"
	"osb/workflows"
)

// stack is OSB as the suite runs it, everything in one temporary folder:
// a PostgreSQL cluster of its own (stopping it touches no other test), the
// embedded Temporal server on a SQLite file (its state survives a restart),
// the production `osb worker` binary as a separate process, the HTTP API in
// this process, and a webhook that receives the notification outbox.
type stack struct {
	dir   string
	log   *slog.Logger // what the components log, to osb.log in dir
	clock *journal

	pg    localpg.Options
	dbURL string
	store *postgres.Store

	temporal devserver.Options
	mu       sync.Mutex // guards server across restarts
	server   *devserver.Server
	client   client.Client

	worker *workerProcess
	hook   *webhook
	api    *httptest.Server
}

// startStack starts everything and stops it when the test ends.
func startStack(t *testing.T, ctx context.Context, cfg config, clock *journal) *stack {
	t.Helper()
	s := &stack{clock: clock}
	dir, err := os.MkdirTemp("", "osb-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	// As root the server runs as the postgres user, which must reach its data folder.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		switch {
		case *keepFlag:
			clock.printf("kept %s: the logs, Temporal's database and the PostgreSQL cluster (stopped)", dir)
		case t.Failed():
			os.Remove(filepath.Join(dir, "osb"))
			os.RemoveAll(filepath.Join(dir, "postgres"))
			clock.printf("kept %s: the logs and Temporal's database (-chaos.keep keeps the PostgreSQL cluster too)", dir)
		default:
			os.RemoveAll(dir)
		}
	})
	s.dir = dir
	logFile, err := os.Create(filepath.Join(dir, "osb.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	s.log = slog.New(slog.NewTextHandler(logFile, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clock.printf("working folder %s (logs: osb.log, worker.log)", dir)

	s.startPostgres(t, ctx)
	s.startTemporal(t, ctx)
	s.hook = newWebhook()
	t.Cleanup(s.hook.srv.Close)
	s.startWorker(t, ctx)
	s.startAPI(t, cfg)
	return s
}

func (s *stack) startPostgres(t *testing.T, ctx context.Context) {
	t.Helper()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	s.pg = localpg.Options{DataDir: filepath.Join(s.dir, "postgres"), Port: port, Logger: s.log}
	begun := time.Now()
	admin, err := localpg.Ensure(ctx, s.pg)
	t.Cleanup(func() {
		if err := localpg.Stop(context.Background(), s.pg); err != nil {
			t.Errorf("stopping the suite's PostgreSQL: %v", err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.dbURL, err = localpg.CreateDatabase(ctx, admin, "osb"); err != nil {
		t.Fatal(err)
	}
	if err := postgres.Migrate(ctx, s.dbURL, s.log); err != nil {
		t.Fatal(err)
	}
	if s.store, err = postgres.Open(ctx, s.dbURL); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.store.Close)
	if err := app.SeedDemo(ctx, s.store); err != nil {
		t.Fatal(err)
	}
	s.clock.printf("PostgreSQL of its own on port %d, migrated, demo organisation loaded (%s)", port, since(begun))
}

func (s *stack) startTemporal(t *testing.T, ctx context.Context) {
	t.Helper()
	begun := time.Now()
	s.temporal = devserver.Options{
		DatabaseFile:     filepath.Join(s.dir, "temporal.db"),
		SearchAttributes: workflows.SearchAttributes(),
		Logger:           s.log,
	}
	srv, err := devserver.Start(ctx, s.temporal)
	if err != nil {
		t.Fatal(err)
	}
	s.server = srv
	t.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.server != nil {
			s.server.Stop()
		}
	})
	// A restart listens where the worker and the API already point.
	_, port, _ := net.SplitHostPort(srv.FrontendAddress())
	s.temporal.FrontendPort, _ = strconv.Atoi(port)
	c, err := client.Dial(client.Options{HostPort: srv.FrontendAddress(), Namespace: srv.Namespace(),
		Logger:            sdklog.NewStructuredLogger(s.log),
		ConnectionOptions: client.ConnectionOptions{GrpcCompression: app.ClientCompression(srv.FrontendAddress())}})
	if err != nil {
		t.Fatal(err)
	}
	s.client = c
	t.Cleanup(c.Close)
	s.clock.printf("Temporal server embedded at %s on %s (%s)", srv.FrontendAddress(), filepath.Base(s.temporal.DatabaseFile), since(begun))
}

// startWorker builds the production binary and runs `osb worker` against
// the embedded Temporal and the suite's database, as production would.
func (s *stack) startWorker(t *testing.T, ctx context.Context) {
	t.Helper()
	begun := time.Now()
	bin := filepath.Join(s.dir, "osb")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "osb/cmd/osb")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/osb: %v\n%s", err, out)
	}
	s.clock.printf("built cmd/osb (%s)", since(begun))
	logFile, err := os.Create(filepath.Join(s.dir, "worker.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { logFile.Close() })
	env := []string{
		"OSB_TEMPORAL_ADDRESS=" + s.frontend(),
		"OSB_TEMPORAL_NAMESPACE=" + s.namespace(),
		"OSB_DATABASE_URL=" + s.dbURL,
		"OSB_WEBHOOK_URL=" + s.hook.srv.URL,
		"OSB_DATA_DIR=" + s.dir,
		"OSB_LOG_LEVEL=warn",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OSB_") {
			env = append(env, kv)
		}
	}
	s.worker = &workerProcess{bin: bin, env: env, log: logFile, clock: s.clock}
	if err := s.worker.begin(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.worker.stop)
	if err := s.waitForPollers(ctx); err != nil {
		t.Fatal(err)
	}
	s.clock.printf("osb worker (pid %d) polls the task queue", s.worker.pid())
}

// waitForPollers waits until a worker polls the order task queue.
func (s *stack) waitForPollers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for {
		resp, err := s.client.DescribeTaskQueue(ctx, workflows.TaskQueue, enumspb.TASK_QUEUE_TYPE_WORKFLOW)
		if err == nil && len(resp.GetPollers()) > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no worker polls %s after a minute (see worker.log): %v", workflows.TaskQueue, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// startAPI serves the HTTP API in this process. It trusts a token it
// checked for an hour, so people keep acting on orders while PostgreSQL is
// down (the default ten seconds would turn every request into a 500 once
// the store stops answering the token look-up).
func (s *stack) startAPI(t *testing.T, cfg config) {
	t.Helper()
	h := starter.New(starter.Config{
		Store: s.store, Orders: starter.NewTemporalOrders(s.client), Policy: cfg.policy(), Quota: s.store,
		Credit: starter.NewTemporalCredit(s.client, s.store, sales.DefaultCreditPolicy()), Logger: s.log,
		AuthCacheTTL: time.Hour,
	})
	s.api = httptest.NewServer(h)
	t.Cleanup(s.api.Close)
}

func (s *stack) frontend() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.temporal.FrontendPort))
}

func (s *stack) namespace() string { return "default" }

// restartTemporal stops the Temporal server and starts it again on the
// same file and port; it returns how long the frontend did not answer.
func (s *stack) restartTemporal(ctx context.Context, pause time.Duration) (time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stopped := time.Now()
	s.server.Stop()
	s.server = nil
	time.Sleep(pause)
	srv, err := devserver.Start(ctx, s.temporal)
	if err != nil {
		return time.Since(stopped), fmt.Errorf("starting the Temporal server again: %w", err)
	}
	s.server = srv
	return time.Since(stopped), nil
}

// stopPostgres stops the cluster (pg_ctl stop -m fast).
func (s *stack) stopPostgres(ctx context.Context) error { return localpg.Stop(ctx, s.pg) }

// resumePostgres starts the cluster again and waits until it answers.
func (s *stack) resumePostgres(ctx context.Context) error {
	_, err := localpg.Ensure(ctx, s.pg)
	return err
}

// workerProcess runs `osb worker` the way a supervisor would (systemd's
// Restart=always): a process that exits by itself is started again a second
// later, and every such exit is noted.
type workerProcess struct {
	bin   string
	env   []string
	log   io.Writer
	clock *journal

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has exited
	killing bool          // the suite is killing cmd
	stopped bool
	exits   []string // exits nobody asked for
}

// begin starts a new process.
func (w *workerProcess) begin() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.beginLocked()
}

func (w *workerProcess) beginLocked() error {
	cmd := exec.Command(w.bin, "worker")
	cmd.Env, cmd.Stdout, cmd.Stderr = w.env, w.log, w.log
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting osb worker: %w", err)
	}
	done := make(chan struct{})
	w.cmd, w.done, w.killing = cmd, done, false
	go w.watch(cmd, done)
	return nil
}

// watch waits for cmd and restarts a worker that exited by itself.
func (w *workerProcess) watch(cmd *exec.Cmd, done chan struct{}) {
	err := cmd.Wait()
	close(done)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.killing || w.cmd != cmd {
		return
	}
	w.exits = append(w.exits, fmt.Sprintf("%s pid %d exited by itself (%v)", w.clock.now(), cmd.Process.Pid, err))
	w.clock.printf("osb worker pid %d exited by itself (%v); starting it again", cmd.Process.Pid, err)
	time.AfterFunc(time.Second, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if !w.stopped && w.cmd == cmd {
			if err := w.beginLocked(); err != nil {
				w.exits = append(w.exits, err.Error())
			}
		}
	})
}

func (w *workerProcess) pid() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cmd.Process.Pid
}

// kill sends SIGKILL to the worker, waits until it is gone and after pause
// starts a new one; it returns both process ids.
func (w *workerProcess) kill(pause time.Duration) (killed, started int, err error) {
	w.mu.Lock()
	cmd, done := w.cmd, w.done
	w.killing = true
	w.mu.Unlock()
	_ = cmd.Process.Signal(syscall.SIGKILL) // it may have exited by itself meanwhile
	<-done
	time.Sleep(pause)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.beginLocked(); err != nil {
		return cmd.Process.Pid, 0, err
	}
	return cmd.Process.Pid, w.cmd.Process.Pid, nil
}

// stop ends the worker for good: SIGTERM, then SIGKILL after five seconds.
func (w *workerProcess) stop() {
	w.mu.Lock()
	w.stopped = true
	cmd, done := w.cmd, w.done
	w.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// unasked returns the exits nobody asked for.
func (w *workerProcess) unasked() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.exits...)
}

// webhook receives the outbox's notifications and counts them by key.
type webhook struct {
	srv *httptest.Server
	mu  sync.Mutex
	got map[string]int
}

func newWebhook() *webhook {
	h := &webhook{got: map[string]int{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		key := r.Header.Get("Idempotency-Key")
		h.mu.Lock()
		h.got[key]++
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	return h
}

// deliveries returns how often each key arrived.
func (h *webhook) deliveries() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make(map[string]int, len(h.got))
	for k, n := range h.got {
		out[k] = n
	}
	return out
}

// freePort returns a TCP port free on 127.0.0.1 right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
