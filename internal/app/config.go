package app

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"osb/codec"
	"osb/metrics"
	"osb/sales"
	"osb/tracing"
)

// DefaultPGPort is the port of the private PostgreSQL cluster that osb-dev
// starts; the default database URL points at it.
const DefaultPGPort = 55432

// Config is everything OSB reads from the environment; this package is the
// only place that reads it.
type Config struct {
	DataDir         string
	DatabaseURL     string
	DatabaseURLSet  bool
	PGPort          int
	TemporalAddress string
	TemporalNS      string
	TemporalTLSCert string
	TemporalTLSKey  string
	TemporalTLSCA   string
	TemporalAPIKey  string
	TemporalPort    int
	UIPort          int
	HTTPAddr        string
	WebhookURL      string
	WebhookSecret   string // signs every webhook request; never printed
	PolicyFile      string
	Demo            bool
	LogLevel        slog.Level
	TokenTTL        time.Duration // how long a new bearer token works
	// CookieSecure marks the console's cookies Secure; CookieSecureSet says
	// OSB_COOKIE_SECURE chose it (osb-dev dev turns it off on a loopback
	// address otherwise).
	CookieSecure    bool
	CookieSecureSet bool
	TemporalUIURL   string // the Temporal Web UI the console links orders to; "" = no link
	// Metrics turns on the Prometheus metrics (OSB_METRICS); Registry is the
	// process's registry, made by Program.Run when Metrics is on.
	Metrics  bool
	Registry *metrics.Registry
	OpsAddr  string // the worker's operations listener (/metrics, /livez, /readyz); "" = none
	// Codec encrypts every payload OSB's Temporal clients write, from
	// OSB_CODEC_KEYS or OSB_CODEC_KEYS_FILE; nil = payloads in plain JSON.
	Codec           *codec.Codec
	CodecCORSOrigin string // the Web UI's origin, allowed to call /codec/
	// TracingEndpoint is where spans go by OTLP (OTEL_EXPORTER_OTLP_ENDPOINT
	// or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); "" = tracing off. Tracing is
	// the process's tracing, started by Program.Run when it is set.
	TracingEndpoint string
	Tracing         *tracing.Tracing
}

// minWebhookSecret is the shortest webhook signing secret accepted: 32
// characters, 128 bits as hex.
const minWebhookSecret = 32

// settings documents every variable with its default; the README's
// configuration table is this list.
var settings = []struct{ name, def, doc string }{
	{"OSB_DATA_DIR", ".data", "project-local folder for the dev Temporal database and the private PostgreSQL cluster"},
	{"OSB_DATABASE_URL", "postgres://postgres@127.0.0.1:55432/osb?sslmode=disable", "PostgreSQL; when unset and nothing answers, `osb-dev` starts a private cluster"},
	{"OSB_PG_PORT", "55432", "port of the private PostgreSQL cluster"},
	{"OSB_TEMPORAL_ADDRESS", "", "external Temporal frontend host:port; empty in `osb-dev dev` = embedded server"},
	{"OSB_TEMPORAL_NAMESPACE", "default", "Temporal namespace"},
	{"OSB_TEMPORAL_TLS_CERT", "", "client certificate file (mTLS)"},
	{"OSB_TEMPORAL_TLS_KEY", "", "client key file (mTLS)"},
	{"OSB_TEMPORAL_TLS_CA", "", "CA bundle for the server certificate"},
	{"OSB_TEMPORAL_API_KEY", "", "API key (Temporal Cloud); implies TLS"},
	{"OSB_TEMPORAL_PORT", "7233", "frontend port of the embedded Temporal server"},
	{"OSB_UI_PORT", "8233", "port of the embedded Temporal Web UI"},
	{"OSB_HTTP_ADDR", "127.0.0.1:8080", "address of the OSB HTTP API"},
	{"OSB_WEBHOOK_URL", "", "where notifications are POSTed; empty = logged and listable through the API"},
	{"OSB_WEBHOOK_SECRET", "", "shared secret that signs every webhook request (HMAC-SHA256 in `X-OSB-Signature`, see docs/notifications.md), at least 32 characters; empty = unsigned, with a warning at start"},
	{"OSB_POLICY_FILE", "", "JSON file overriding policy defaults: step deadlines, dunning ladder, … (`sales.Policy`), under `credit` the credit formula (`sales.CreditPolicy`), under `cash` the refund limit and default bank account (`sales.CashPolicy`), under `visits` the weekly visit rhythm (`sales.VisitPolicy`)"},
	{"OSB_DEMO", "false", "`true` loads the demo organisation, customers, SKUs and tokens when `osb-dev dev` starts (`make run` sets it): development only, refused by a database marked production or holding real users"},
	{"OSB_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"OSB_COOKIE_SECURE", "true", "`false` lets the console's cookies travel over plain http; `osb-dev dev` turns it off on a loopback address (127.0.0.1) unless set"},
	{"OSB_TEMPORAL_UI_URL", "", "base address of the Temporal Web UI, for the console's link from an order to its workflow; `osb-dev dev` uses the embedded one"},
	{"OSB_CODEC_KEYS", "", "encrypts every Temporal payload (AES-256-GCM): `id:base64key` entries separated by commas, the first encrypts, the others still decrypt (rotation); each key 32 bytes (`openssl rand -base64 32`); never printed"},
	{"OSB_CODEC_KEYS_FILE", "", "file of the same keys, one `id:base64key` a line (# comments), instead of OSB_CODEC_KEYS"},
	{"OSB_CODEC_CORS_ORIGIN", "", "origin of the Temporal Web UI (e.g. `https://temporal.example.com`) allowed to call the codec endpoint `/codec/` from the browser"},
	{"OSB_METRICS", "true", "`false` turns the Prometheus metrics off: `/metrics` on the API and the worker's operations port, and the Temporal SDK's metrics"},
	{"OSB_OPS_ADDR", "127.0.0.1:9090", "operations listener of `osb worker`: `/metrics`, `/livez`, `/readyz`; empty turns it off"},
	{"OTEL_EXPORTER_OTLP_ENDPOINT", "", "OpenTelemetry collector (OTLP over HTTP, e.g. `http://collector:4318`): when set, every request, update, activity and SQL statement is traced and exported there; empty = tracing off. The standard `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_SERVICE_NAME` (default `osb-api`, `osb-worker`, `osb-dev`) and `OTEL_TRACES_SAMPLER` apply too"},
	{"OSB_TOKEN_TTL", "90d", "how long a bearer token issued by `osb token` (and a demo token) works: days like `30d` or a duration like `12h`"},
}

func loadConfig() (Config, error) {
	var p sales.Problems
	c := Config{
		DataDir:         env("OSB_DATA_DIR", ".data"),
		TemporalAddress: os.Getenv("OSB_TEMPORAL_ADDRESS"),
		TemporalNS:      env("OSB_TEMPORAL_NAMESPACE", "default"),
		TemporalTLSCert: os.Getenv("OSB_TEMPORAL_TLS_CERT"),
		TemporalTLSKey:  os.Getenv("OSB_TEMPORAL_TLS_KEY"),
		TemporalTLSCA:   os.Getenv("OSB_TEMPORAL_TLS_CA"),
		TemporalAPIKey:  os.Getenv("OSB_TEMPORAL_API_KEY"),
		HTTPAddr:        env("OSB_HTTP_ADDR", "127.0.0.1:8080"),
		WebhookURL:      os.Getenv("OSB_WEBHOOK_URL"),
		WebhookSecret:   strings.TrimSpace(os.Getenv("OSB_WEBHOOK_SECRET")),
		PolicyFile:      os.Getenv("OSB_POLICY_FILE"),
	}
	c.PGPort = envInt(&p, "OSB_PG_PORT", DefaultPGPort)
	c.TemporalPort = envInt(&p, "OSB_TEMPORAL_PORT", 7233)
	c.UIPort = envInt(&p, "OSB_UI_PORT", 8233)
	c.TokenTTL = envTTL(&p, "OSB_TOKEN_TTL", sales.DefaultTokenTTL)
	switch env("OSB_DEMO", "false") {
	case "true":
		c.Demo = true
	case "false":
	default:
		p.Add("OSB_DEMO", "must be true (load the demo in development) or false")
	}
	c.CookieSecure, c.CookieSecureSet = envBool(&p, "OSB_COOKIE_SECURE", true)
	c.TemporalUIURL = strings.TrimRight(os.Getenv("OSB_TEMPORAL_UI_URL"), "/")
	c.Metrics, _ = envBool(&p, "OSB_METRICS", true)
	c.OpsAddr = "127.0.0.1:9090"
	if v, ok := os.LookupEnv("OSB_OPS_ADDR"); ok {
		c.OpsAddr = strings.TrimSpace(v) // empty: no operations listener
	}
	c.TracingEndpoint = tracingEndpoint()
	c.Codec = loadCodec(&p)
	c.CodecCORSOrigin = strings.TrimRight(strings.TrimSpace(os.Getenv("OSB_CODEC_CORS_ORIGIN")), "/")
	c.DatabaseURL, c.DatabaseURLSet = os.LookupEnv("OSB_DATABASE_URL")
	if !c.DatabaseURLSet || c.DatabaseURL == "" {
		c.DatabaseURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/osb?sslmode=disable", c.PGPort)
		c.DatabaseURLSet = false
	}
	if err := c.LogLevel.UnmarshalText([]byte(env("OSB_LOG_LEVEL", "info"))); err != nil {
		p.Add("OSB_LOG_LEVEL", "must be debug, info, warn or error")
	}
	if n := len(c.WebhookSecret); n > 0 && n < minWebhookSecret {
		p.Add("OSB_WEBHOOK_SECRET", "must be at least %d characters (e.g. openssl rand -hex 32), not %d", minWebhookSecret, n)
	}
	if (c.TemporalTLSCert == "") != (c.TemporalTLSKey == "") {
		p.Add("OSB_TEMPORAL_TLS_CERT", "set both OSB_TEMPORAL_TLS_CERT and OSB_TEMPORAL_TLS_KEY, or neither")
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		p.Add("OSB_DATA_DIR", "%v", err)
	}
	c.DataDir = abs
	if len(p) > 0 {
		return c, fmt.Errorf("bad configuration: %s", problemsText(p))
	}
	return c, nil
}

// tracingEndpoint is the OTLP endpoint of the spans, from OpenTelemetry's
// own variables (the exporter reads them again, with their companions);
// OTEL_SDK_DISABLED=true turns tracing off whatever they say.
func tracingEndpoint() string {
	if strings.TrimSpace(os.Getenv("OTEL_SDK_DISABLED")) == "true" {
		return ""
	}
	if v := strings.TrimSpace(os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")); v != "" {
		return v
	}
	return strings.TrimSpace(os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"))
}

// loadCodec reads the payload keys of OSB_CODEC_KEYS or OSB_CODEC_KEYS_FILE;
// nil when neither is set. Problems name the setting, never a key.
func loadCodec(p *sales.Problems) *codec.Codec {
	keys, file := strings.TrimSpace(os.Getenv("OSB_CODEC_KEYS")), strings.TrimSpace(os.Getenv("OSB_CODEC_KEYS_FILE"))
	setting := "OSB_CODEC_KEYS"
	switch {
	case keys == "" && file == "":
		return nil
	case keys != "" && file != "":
		p.Add(setting, "and OSB_CODEC_KEYS_FILE are both set: set one")
		return nil
	case file != "":
		setting = "OSB_CODEC_KEYS_FILE"
		b, err := os.ReadFile(file)
		if err != nil {
			p.Add(setting, "cannot be read: %v", err)
			return nil
		}
		keys = string(b)
	}
	parsed, err := codec.ParseKeys(setting, keys)
	if err == nil {
		var c *codec.Codec
		if c, err = codec.New(parsed); err == nil {
			return c
		}
	}
	p.Add(setting, "%s", strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(err.Error(), setting), ":")))
	return nil
}

// policies is what OSB_POLICY_FILE holds: the order cycle's policy at the top
// level and the credit policy under "credit"; what the file leaves out keeps
// its default.
type policies struct {
	sales.Policy
	Credit sales.CreditPolicy `json:"credit"`
	Cash   sales.CashPolicy   `json:"cash"`   // cash application and refunds
	Visits sales.VisitPolicy  `json:"visits"` // the weekly rhythm of the visit log
}

// policies returns the defaults overridden by OSB_POLICY_FILE.
func (c Config) policies() (policies, error) {
	pol := policies{Policy: sales.DefaultPolicy(), Credit: sales.DefaultCreditPolicy(), Cash: sales.DefaultCashPolicy(),
		Visits: sales.DefaultVisitPolicy()}
	if c.PolicyFile == "" {
		return pol, nil
	}
	b, err := os.ReadFile(c.PolicyFile)
	if err != nil {
		return pol, fmt.Errorf("cannot read OSB_POLICY_FILE: %w", err)
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		return pol, fmt.Errorf("OSB_POLICY_FILE %s is not valid policy JSON: %w", c.PolicyFile, err)
	}
	if err := pol.Policy.Validate(); err != nil {
		return pol, fmt.Errorf("OSB_POLICY_FILE %s: %w", c.PolicyFile, err)
	}
	if err := pol.Credit.Validate(); err != nil {
		return pol, fmt.Errorf("OSB_POLICY_FILE %s, credit: %w", c.PolicyFile, err)
	}
	if err := pol.Cash.Validate(); err != nil {
		return pol, fmt.Errorf("OSB_POLICY_FILE %s, cash: %w", c.PolicyFile, err)
	}
	if err := pol.Visits.Validate(); err != nil {
		return pol, fmt.Errorf("OSB_POLICY_FILE %s, visits: %w", c.PolicyFile, err)
	}
	return pol, nil
}

func env(name, def string) string {
	if v := strings.TrimSpace(os.Getenv(name)); v != "" {
		return v
	}
	return def
}

// envBool reads true or false; set reports that the variable was set.
func envBool(p *sales.Problems, name string, def bool) (v, set bool) {
	switch strings.TrimSpace(os.Getenv(name)) {
	case "":
		return def, false
	case "true", "1", "yes":
		return true, true
	case "false", "0", "no":
		return false, true
	}
	p.Add(name, "must be true or false")
	return def, false
}

func envInt(p *sales.Problems, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 65535 {
		p.Add(name, "must be a port number, not %q", v)
		return def
	}
	return n
}

// maxTokenTTL bounds OSB_TOKEN_TTL: a token is a password, renewed at least
// every two years.
const maxTokenTTL = 730 * sales.Day

// envTTL reads a token lifetime: a number of days ("90d") or a Go duration
// ("12h"), from a minute to maxTokenTTL.
func envTTL(p *sales.Problems, name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	var d time.Duration
	var err error
	if days, ok := strings.CutSuffix(v, "d"); ok {
		var n int
		n, err = strconv.Atoi(days)
		d = time.Duration(n) * sales.Day
	} else {
		d, err = time.ParseDuration(v)
	}
	if err != nil || d < time.Minute || d > maxTokenTTL {
		p.Add(name, "must be days like 90d or a duration like 12h, from 1m to 730d, not %q", v)
		return def
	}
	return d
}

func problemsText(p sales.Problems) string {
	parts := make([]string, len(p))
	for i, f := range p {
		parts[i] = f.Field + " " + f.Message
	}
	return strings.Join(parts, "; ")
}
