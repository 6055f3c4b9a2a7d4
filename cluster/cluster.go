// Package cluster runs OSB on one machine in the shape production runs it,
// without Docker: a Temporal server on PostgreSQL persistence and
// visibility (its schema applied by the server's own schema tool), its
// namespace prepared by `osb setup`, and several `osb worker` and `osb api`
// processes of the production binary, each on its own ports, against that
// server and one OSB database. `osb-dev cluster` runs it; its tests drive
// orders through it while processes are killed.
package cluster

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"osb/devserver"
	"osb/devserver/localpg"
)

// Options says where the cluster lives and how many processes it runs.
type Options struct {
	// Dir holds the processes' logs and the built binary; created if missing.
	Dir string
	// AdminURL is a PostgreSQL superuser's URL on the server that gets the
	// three databases; "" uses the private cluster in PGDir (default
	// Dir/postgres) on PGPort, starting it when nothing answers there.
	AdminURL string
	PGDir    string
	PGPort   int
	// Databases names the databases: Temporal's, Temporal's visibility and
	// OSB's; the zero value is temporal, temporal_visibility and osb_cluster.
	Databases Databases
	Workers   int // `osb worker` processes; default 2
	APIs      int // `osb api` processes; default 2
	// Binary is the production osb binary; "" builds ./cmd/osb into Dir.
	Binary    string
	Namespace string // default "default"
	Retention string // `osb setup -retention`; default 30d
	Demo      bool   // load the demo organisation, customers, SKUs and tokens (`osb demo`)
	// TemporalPort and UIPort are the frontend's and the Web UI's ports: 0
	// picks a free frontend port and runs no Web UI.
	TemporalPort, UIPort int
	// Env is added to every process's environment (OSB_* settings such as
	// OSB_WEBHOOK_URL or OSB_CODEC_KEYS); the cluster sets the addresses.
	Env []string
	Log *slog.Logger // default slog.Default()
}

// Databases are the names of the cluster's three databases.
type Databases struct{ Temporal, Visibility, OSB string }

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.APIs <= 0 {
		o.APIs = 2
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	if o.Retention == "" {
		o.Retention = "30d"
	}
	if o.Databases.Temporal == "" {
		o.Databases.Temporal = "temporal"
	}
	if o.Databases.Visibility == "" {
		o.Databases.Visibility = "temporal_visibility"
	}
	if o.Databases.OSB == "" {
		o.Databases.OSB = "osb_cluster"
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// Cluster is a running cluster.
type Cluster struct {
	o        Options
	pg       *localpg.Options // the private cluster this Cluster started, stopped by Stop
	temporal *devserver.Server
	bin      string
	env      []string // of every osb process

	// DatabaseURL is OSB's database.
	DatabaseURL string
	Workers     []*Process
	APIs        []*Process
}

// Start starts PostgreSQL (unless o.AdminURL answers), creates the three
// databases, starts Temporal on two of them, runs `osb migrate`, `osb
// setup` (and `osb demo`) with the production binary, then its workers and
// API processes, and returns once every one of them is ready. On failure it
// stops what it started.
func Start(ctx context.Context, o Options) (c *Cluster, err error) {
	o = o.withDefaults()
	c = &Cluster{o: o}
	defer func() {
		if err != nil {
			c.Stop()
		}
	}()
	if o.Dir, err = filepath.Abs(o.Dir); err != nil {
		return nil, err
	}
	c.o.Dir = o.Dir
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create the cluster's folder %s: %w", o.Dir, err)
	}
	admin, err := c.startPostgres(ctx)
	if err != nil {
		return nil, err
	}
	pg, err := c.createDatabases(ctx, admin)
	if err != nil {
		return nil, err
	}
	begun := time.Now()
	c.temporal, err = devserver.Start(ctx, devserver.Options{
		FrontendPort: o.TemporalPort, UIPort: o.UIPort, Namespace: o.Namespace,
		Postgres: pg, Logger: o.Log.With("component", "temporal"),
	})
	if err != nil {
		return nil, err
	}
	o.Log.Info("Temporal server on PostgreSQL started", "frontend", c.temporal.FrontendAddress(), "took", time.Since(begun).Round(time.Millisecond))
	if c.bin, err = c.binary(ctx); err != nil {
		return nil, err
	}
	c.env = c.processEnv()
	steps := [][]string{{"migrate"}, {"setup", "-retention", o.Retention}}
	if o.Demo {
		steps = append(steps, []string{"demo"})
	}
	for _, args := range steps {
		if err := c.run(ctx, args...); err != nil {
			return nil, err
		}
	}
	if err := c.startProcesses(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// startPostgres returns the admin URL of the server that holds the
// databases, starting the private cluster when o.AdminURL is empty.
func (c *Cluster) startPostgres(ctx context.Context) (string, error) {
	if c.o.AdminURL != "" {
		if !localpg.Answers(ctx, c.o.AdminURL) {
			return "", fmt.Errorf("PostgreSQL does not answer at %s", redact(c.o.AdminURL))
		}
		return c.o.AdminURL, nil
	}
	dir := c.o.PGDir
	if dir == "" {
		dir = filepath.Join(c.o.Dir, "postgres")
	}
	pg := localpg.Options{DataDir: dir, Port: c.o.PGPort, Logger: c.o.Log}
	wasRunning := c.o.PGPort != 0 && localpg.Answers(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.o.PGPort))
	admin, err := localpg.Ensure(ctx, pg)
	if err != nil {
		return "", err
	}
	if !wasRunning {
		c.pg = &pg
	}
	return admin, nil
}

// createDatabases creates the three databases unless they exist and returns
// where Temporal's are.
func (c *Cluster) createDatabases(ctx context.Context, admin string) (*devserver.Postgres, error) {
	d := c.o.Databases
	for _, name := range []string{d.Temporal, d.Visibility} {
		if _, err := localpg.CreateDatabase(ctx, admin, name); err != nil {
			return nil, err
		}
	}
	var err error
	if c.DatabaseURL, err = localpg.CreateDatabase(ctx, admin, d.OSB); err != nil {
		return nil, err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL admin URL: %w", err)
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL admin URL %s names no port", redact(admin))
	}
	pw, _ := u.User.Password()
	return &devserver.Postgres{Host: u.Hostname(), Port: port, User: u.User.Username(), Password: pw,
		Database: d.Temporal, VisibilityDatabase: d.Visibility}, nil
}

// binary returns the production binary, building ./cmd/osb when none is given.
func (c *Cluster) binary(ctx context.Context) (string, error) {
	if c.o.Binary != "" {
		return c.o.Binary, nil
	}
	bin := filepath.Join(c.o.Dir, "osb")
	begun := time.Now()
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "osb/cmd/osb").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the production binary (go build osb/cmd/osb; run inside the osb module, or give a binary): %w: %s", err, strings.TrimSpace(string(out)))
	}
	c.o.Log.Info("built the production binary", "path", bin, "took", time.Since(begun).Round(time.Millisecond))
	return bin, nil
}

// processEnv is the environment of every osb process: the caller's, then
// the cluster's addresses, then o.Env (a later setting wins).
func (c *Cluster) processEnv() []string {
	env := append(os.Environ(),
		"OSB_TEMPORAL_ADDRESS="+c.temporal.FrontendAddress(),
		"OSB_TEMPORAL_NAMESPACE="+c.o.Namespace,
		"OSB_DATABASE_URL="+c.DatabaseURL,
		"OSB_DATA_DIR="+c.o.Dir,
	)
	if ui := c.temporal.UIAddress(); ui != "" {
		env = append(env, "OSB_TEMPORAL_UI_URL="+ui)
	}
	return append(env, c.o.Env...)
}

// run runs one osb command to its end, its output in Dir/osb.log.
func (c *Cluster) run(ctx context.Context, args ...string) error {
	log, err := os.OpenFile(filepath.Join(c.o.Dir, "osb.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	fmt.Fprintf(log, "\n$ osb %s\n", strings.Join(args, " "))
	begun := time.Now()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = c.env, log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("osb %s failed (see %s): %w", strings.Join(args, " "), log.Name(), err)
	}
	c.o.Log.Info("ran osb "+strings.Join(args, " "), "took", time.Since(begun).Round(time.Millisecond))
	return nil
}

// startProcesses starts the workers and the API processes on free ports
// and waits until each is ready.
func (c *Cluster) startProcesses(ctx context.Context) error {
	ports, err := freePorts(c.o.Workers + c.o.APIs)
	if err != nil {
		return err
	}
	for i := range c.o.Workers {
		c.Workers = append(c.Workers, c.newProcess("worker", i+1, ports[i]))
	}
	for i := range c.o.APIs {
		c.APIs = append(c.APIs, c.newProcess("api", i+1, ports[c.o.Workers+i]))
	}
	for _, p := range c.All() {
		if err := p.Start(); err != nil {
			return err
		}
	}
	for _, p := range c.All() {
		if err := p.WaitReady(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) newProcess(role string, n, port int) *Process {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	env := append([]string(nil), c.env...)
	if role == "worker" {
		env = append(env, "OSB_OPS_ADDR="+addr)
	} else {
		env = append(env, "OSB_HTTP_ADDR="+addr, "OSB_OPS_ADDR=")
	}
	return &Process{Name: fmt.Sprintf("%s-%d", role, n), Role: role, Addr: addr,
		bin: c.bin, env: env, logPath: filepath.Join(c.o.Dir, fmt.Sprintf("%s-%d.log", role, n))}
}

// All returns the workers and then the API processes.
func (c *Cluster) All() []*Process { return append(append([]*Process(nil), c.Workers...), c.APIs...) }

// TemporalAddress is the frontend's host:port.
func (c *Cluster) TemporalAddress() string { return c.temporal.FrontendAddress() }

// Namespace is the namespace the processes use.
func (c *Cluster) Namespace() string { return c.o.Namespace }

// APIURLs are the base URLs of the API processes, e.g. http://127.0.0.1:40123.
func (c *Cluster) APIURLs() []string {
	urls := make([]string, len(c.APIs))
	for i, p := range c.APIs {
		urls[i] = "http://" + p.Addr
	}
	return urls
}

// Stop stops the processes (SIGTERM, then SIGKILL after ten seconds), the
// Temporal server, and the private PostgreSQL if Start started it.
func (c *Cluster) Stop() {
	for _, p := range c.All() {
		p.Stop()
	}
	if c.temporal != nil {
		c.temporal.Stop()
	}
	if c.pg != nil {
		if err := localpg.Stop(context.Background(), *c.pg); err != nil {
			c.o.Log.Warn("stopping the private PostgreSQL failed", "err", err)
		}
	}
}

// Describe writes where everything is.
func (c *Cluster) Describe(w io.Writer) {
	fmt.Fprintf(w, "\nOSB cluster is running, production-shaped. Ctrl-C stops everything.\n\n")
	fmt.Fprintf(w, "  Temporal        %s (namespace %s; persistence %s, visibility %s on PostgreSQL)\n",
		c.temporal.FrontendAddress(), c.o.Namespace, c.o.Databases.Temporal, c.o.Databases.Visibility)
	if ui := c.temporal.UIAddress(); ui != "" {
		fmt.Fprintf(w, "  Temporal Web UI %s/namespaces/%s/workflows\n", ui, c.o.Namespace)
	}
	fmt.Fprintf(w, "  PostgreSQL      %s (OSB's database)\n", redact(c.DatabaseURL))
	for _, p := range c.APIs {
		fmt.Fprintf(w, "  osb api         http://%s/   (/v1, /metrics, /livez, /readyz) pid %d, log %s\n", p.Addr, p.PID(), p.logPath)
	}
	for _, p := range c.Workers {
		fmt.Fprintf(w, "  osb worker      ops http://%s/   (/metrics, /livez, /readyz) pid %d, log %s\n", p.Addr, p.PID(), p.logPath)
	}
	fmt.Fprintf(w, "  Binary          %s (migrate, setup%s ran: %s)\n", c.bin, map[bool]string{true: ", demo"}[c.o.Demo], filepath.Join(c.o.Dir, "osb.log"))
	fmt.Fprintf(w, "\nPut a load balancer in front of the API processes, or call either one; kill any process and the others carry on.\n")
}

// freePorts returns n distinct ports free on 127.0.0.1 right now.
func freePorts(n int) ([]int, error) {
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
