package devserver

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
)

// filePragmas are the SQLite settings of file mode. A write-ahead log with
// synchronous=NORMAL commits without an fsync per transaction; a crash of the
// process loses nothing, a power cut may lose the last commits but never
// corrupts the file. docs/benchmarks.md has the figures that chose them.
// The plugin turns every attribute that is not an SQLite URI parameter into
// a "_pragma=key=value" DSN parameter.
var filePragmas = map[string]string{
	"journal_mode": "wal",
	"synchronous":  "normal",
}

// prepareDatabase returns the persistence config of o's database, with the
// schema created in a new file and the namespace created if it is missing.
func prepareDatabase(o Options) (*config.SQL, error) {
	conf := sqlConfig(o)
	if o.DatabaseFile != "" {
		if err := ensureSchema(conf, o.DatabaseFile); err != nil {
			return nil, err
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("configure namespace %q: %w", o.Namespace, err)
	}
	// An existing namespace is left alone; its missing search attributes are
	// added once the server runs.
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return nil, fmt.Errorf("create namespace %q: %w", o.Namespace, err)
	}
	return conf, nil
}

func sqlConfig(o Options) *config.SQL {
	if o.DatabaseFile == "" {
		// The plugin creates the schema itself in a new in-memory database.
		return &config.SQL{
			PluginName:        sqliteplugin.PluginName,
			DatabaseName:      "osb-" + strconv.FormatUint(rand.Uint64(), 36),
			ConnectAttributes: map[string]string{"mode": "memory", "cache": "shared"},
		}
	}
	attrs := map[string]string{"mode": "rwc"}
	pragmas := o.pragmas
	if pragmas == nil {
		pragmas = filePragmas
	}
	maps.Copy(attrs, pragmas)
	return &config.SQL{
		PluginName:        sqliteplugin.PluginName,
		DatabaseName:      o.DatabaseFile,
		ConnectAttributes: attrs,
	}
}

// ensureSchema creates the Temporal schema if file does not exist yet.
func ensureSchema(conf *config.SQL, file string) error {
	_, err := os.Stat(file)
	if err == nil {
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("check database file: %w", err)
	}
	if _, err := os.Stat(filepath.Dir(file)); err != nil {
		return fmt.Errorf("check directory of database file: %w", err)
	}
	if err := sqliteschema.SetupSchema(conf); err != nil {
		return fmt.Errorf("create schema in %s: %w", file, err)
	}
	return nil
}
