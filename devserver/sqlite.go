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
	"strings"

	"go.temporal.io/server/common/config"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"google.golang.org/protobuf/types/known/durationpb"
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

// databases are the two SQLite databases of the server: workflows and their
// histories, and the visibility records the Web UI and list queries read.
// The plugin reaches each database through one connection (SQLite has one
// writer), so visibility writes, one per search attribute upsert, would
// otherwise queue behind every workflow task; apart, they run side by side.
type databases struct {
	main, visibility *config.SQL
}

// visibilityFile is where file mode keeps the visibility records of file.
func visibilityFile(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + "-visibility" + filepath.Ext(file)
}

// prepareDatabase returns the persistence config of o's databases, with the
// schema created in new files and the namespace created if it is missing.
// A data folder from before the visibility database had its own file keeps
// its visibility records in the main file.
func prepareDatabase(o Options) (databases, error) {
	dbs, err := databasesOf(o)
	if err != nil {
		return dbs, err
	}
	conf := dbs.main
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, o.Namespace, false, o.SearchAttributes)
	if err != nil {
		return databases{}, fmt.Errorf("configure namespace %q: %w", o.Namespace, err)
	}
	ns.Detail.Config.Retention = durationpb.New(o.Retention)
	// An existing namespace is left alone; its missing search attributes are
	// added, and its retention raised, once the server runs.
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return databases{}, fmt.Errorf("create namespace %q: %w", o.Namespace, err)
	}
	return dbs, nil
}

// databasesOf configures o's databases, creating the schema in new files: a
// visibility file beside the main one, unless the main file is older than
// that layout (it exists, the visibility file does not).
func databasesOf(o Options) (databases, error) {
	if o.DatabaseFile == "" {
		return databases{main: sqlConfig(o, ""), visibility: sqlConfig(o, "")}, nil
	}
	dbs := databases{main: sqlConfig(o, o.DatabaseFile), visibility: sqlConfig(o, visibilityFile(o.DatabaseFile))}
	_, mainErr := os.Stat(o.DatabaseFile)
	if _, err := os.Stat(dbs.visibility.DatabaseName); mainErr == nil && errors.Is(err, fs.ErrNotExist) {
		dbs.visibility = dbs.main
	}
	for _, db := range []*config.SQL{dbs.main, dbs.visibility} {
		if err := ensureSchema(db, db.DatabaseName); err != nil {
			return databases{}, err
		}
	}
	return dbs, nil
}

// sqlConfig configures the database in file, or a new in-memory one.
func sqlConfig(o Options, file string) *config.SQL {
	if file == "" {
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
		DatabaseName:      file,
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
