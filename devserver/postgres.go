package devserver

import (
	"fmt"
	"log/slog"
	"net"
	"strconv"

	"go.temporal.io/server/common/config"
	// The postgres12 and postgres12_pgx persistence plugins.
	postgresplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/postgresql"
	"go.temporal.io/server/tools/common/schema"
	sqltool "go.temporal.io/server/tools/sql"
)

// Postgres places the server's persistence and visibility in two databases
// of a PostgreSQL server, as a production cluster keeps them. Both must
// exist; Start applies Temporal's schema to them (and its updates, when they
// hold an older one) with the server's own schema tool.
type Postgres struct {
	Host     string // default "127.0.0.1"
	Port     int
	User     string
	Password string
	// Database holds workflows and their histories; default "temporal".
	Database string
	// VisibilityDatabase holds what list queries and the Web UI read;
	// default "temporal_visibility".
	VisibilityDatabase string
}

// The schemas Start applies, as named in the server's embedded schema files
// (go.temporal.io/server/schema): the same as
// `temporal-sql-tool --plugin postgres12 setup-schema -v 0.0` followed by
// `update-schema --schema-name postgresql/v12/temporal` (and …/visibility).
const (
	postgresSchema           = "postgresql/v12/temporal"
	postgresVisibilitySchema = "postgresql/v12/visibility"
)

func (p Postgres) withDefaults() Postgres {
	if p.Host == "" {
		p.Host = "127.0.0.1"
	}
	if p.Database == "" {
		p.Database = "temporal"
	}
	if p.VisibilityDatabase == "" {
		p.VisibilityDatabase = "temporal_visibility"
	}
	return p
}

// sqlConfig configures the plugin for database name.
func (p Postgres) sqlConfig(name string) *config.SQL {
	return &config.SQL{
		PluginName:      postgresplugin.PluginNamePGX,
		DatabaseName:    name,
		ConnectAddr:     net.JoinHostPort(p.Host, strconv.Itoa(p.Port)),
		ConnectProtocol: "tcp",
		User:            p.User,
		Password:        p.Password,
		MaxConns:        20,
		MaxIdleConns:    20,
	}
}

// preparePostgres applies, or brings up to date, the schema of both
// databases and returns their persistence config. It creates no namespace:
// on PostgreSQL, as in production, `osb setup` does that through the
// running server.
func preparePostgres(p Postgres, log *slog.Logger) (databases, error) {
	p = p.withDefaults()
	dbs := databases{main: p.sqlConfig(p.Database), visibility: p.sqlConfig(p.VisibilityDatabase)}
	for _, s := range []struct {
		conf   *config.SQL
		schema string
	}{{dbs.main, postgresSchema}, {dbs.visibility, postgresVisibilitySchema}} {
		if err := applySchema(s.conf, s.schema, log); err != nil {
			return databases{}, err
		}
	}
	return dbs, nil
}

// applySchema runs the server's schema tool on one database: setup creates
// its version tables (a database that has them is left alone), update
// applies every versioned change after the database's version.
func applySchema(conf *config.SQL, name string, log *slog.Logger) error {
	logger := serverLogger{slog: log}
	conn, err := sqltool.NewConnection(conf, logger)
	if err != nil {
		return fmt.Errorf("connect to database %s on %s for Temporal's schema: %w", conf.DatabaseName, conf.ConnectAddr, err)
	}
	defer conn.Close()
	if err := schema.NewSetupSchemaTask(conn, &schema.SetupConfig{InitialVersion: "0.0"}, logger).Run(); err != nil {
		return fmt.Errorf("set up Temporal's schema versioning in database %s: %w", conf.DatabaseName, err)
	}
	if err := schema.NewUpdateSchemaTask(conn, &schema.UpdateConfig{DBName: conf.DatabaseName, SchemaName: name}, logger).Run(); err != nil {
		return fmt.Errorf("apply Temporal's schema %s to database %s: %w", name, conf.DatabaseName, err)
	}
	return nil
}
