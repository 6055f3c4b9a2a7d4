package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"osb/codec"
	"osb/postgres"
)

// answerTimeout bounds the check whether PostgreSQL answers at a URL.
const answerTimeout = 2 * time.Second

// PrivateDatabase starts a private PostgreSQL cluster (or finds one running)
// and returns the URL of its osb database; started reports that this call
// started the cluster, so the caller can stop it again.
type PrivateDatabase func(ctx context.Context, cfg Config, log *slog.Logger) (dbURL string, started bool, err error)

// Database returns a migrated database URL. When OSB_DATABASE_URL is not set
// and nothing answers at the default, private gets one (private reports that
// it started a cluster); with private nil that is an error saying what to do.
func Database(ctx context.Context, cfg Config, log *slog.Logger, private PrivateDatabase) (dbURL string, started bool, err error) {
	dbURL = cfg.DatabaseURL
	if !answers(ctx, dbURL) {
		if cfg.DatabaseURLSet {
			return "", false, fmt.Errorf("PostgreSQL does not answer at OSB_DATABASE_URL (%s): start it, fix the URL, or unset it to let `osb-dev` run a private cluster", Redact(dbURL))
		}
		if private == nil {
			return "", false, fmt.Errorf("PostgreSQL does not answer at %s: set OSB_DATABASE_URL, or start the private development cluster with `make run` or `make migrate` (osb-dev)", Redact(dbURL))
		}
		if dbURL, started, err = private(ctx, cfg, log); err != nil {
			return "", false, err
		}
	}
	if err := postgres.Migrate(ctx, dbURL, log); err != nil {
		return "", started, fmt.Errorf("migrating the database failed: %w", err)
	}
	return dbURL, started, nil
}

// answers reports whether PostgreSQL accepts a connection at dbURL within
// answerTimeout.
func answers(ctx context.Context, dbURL string) bool {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		return false
	}
	store.Close()
	return true
}

// OpenStore opens the store at dbURL, its statements traced when tracing
// is on.
func OpenStore(ctx context.Context, cfg Config, dbURL string) (*postgres.Store, error) {
	var o postgres.Options
	if cfg.Tracing != nil {
		o.Tracer = cfg.Tracing.SQL()
	}
	return postgres.OpenWith(ctx, dbURL, o)
}

// DialTemporal connects to the Temporal frontend at hostPort with the TLS and
// API key of the configuration, and its payload encryption when it has keys.
func DialTemporal(ctx context.Context, cfg Config, hostPort string, log *slog.Logger) (client.Client, error) {
	opts := client.Options{
		HostPort:  hostPort,
		Namespace: cfg.TemporalNS,
		Logger:    sdklog.NewStructuredLogger(log.With("component", "temporal-client")),
	}
	if cfg.Registry != nil {
		opts.MetricsHandler = cfg.Registry.SDK()
	}
	if cfg.Tracing != nil {
		opts.Interceptors = append(opts.Interceptors, cfg.Tracing.Temporal()...)
	}
	tlsConf, err := cfg.temporalTLS()
	if err != nil {
		return nil, err
	}
	opts.ConnectionOptions.TLS = tlsConf
	opts.ConnectionOptions.GrpcCompression = ClientCompression(hostPort)
	if cfg.Codec != nil {
		opts.DataConverter = codec.DataConverter(cfg.Codec)
		// Failure messages can quote what a person typed: encrypt them too.
		opts.FailureConverter = temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
			DataConverter: opts.DataConverter, EncodeCommonAttributes: true})
	}
	if cfg.TemporalAPIKey != "" {
		opts.Credentials = client.NewAPIKeyStaticCredentials(cfg.TemporalAPIKey)
	}
	dctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	c, err := client.DialContext(dctx, opts)
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s (namespace %s): check OSB_TEMPORAL_ADDRESS and its TLS/API key settings: %w", hostPort, cfg.TemporalNS, err)
	}
	return c, nil
}

func (c Config) temporalTLS() (*tls.Config, error) {
	if c.TemporalTLSCert == "" && c.TemporalTLSCA == "" && c.TemporalAPIKey == "" {
		return nil, nil
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TemporalTLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TemporalTLSCert, c.TemporalTLSKey)
		if err != nil {
			return nil, fmt.Errorf("cannot load OSB_TEMPORAL_TLS_CERT/OSB_TEMPORAL_TLS_KEY: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	if c.TemporalTLSCA != "" {
		pem, err := os.ReadFile(c.TemporalTLSCA)
		if err != nil {
			return nil, fmt.Errorf("cannot read OSB_TEMPORAL_TLS_CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("OSB_TEMPORAL_TLS_CA %s holds no PEM certificate", c.TemporalTLSCA)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// Listen opens the API's address early, so a port in use is reported before
// anything else starts.
func Listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s (OSB_HTTP_ADDR): is another OSB running? stop it or choose another address: %w", addr, err)
	}
	return l, nil
}

// Redact hides a password in a database URL.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
