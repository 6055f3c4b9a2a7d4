package localpg

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
)

// errNoBinaries says what to do when the server binaries are missing.
var errNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found: install PostgreSQL 15+ or set OSB_DATABASE_URL to a running server")

// debianInstalls matches the per-version folders of Debian and Ubuntu
// packages (a variable so tests can point it at an empty folder).
var debianInstalls = "/usr/lib/postgresql/*/bin"

// binaries are the absolute paths of the server programs.
type binaries struct {
	initdb string
	pgCtl  string
}

// findBinaries looks on PATH first, then in the highest installed Debian version.
func findBinaries() (binaries, error) {
	initdb, err1 := exec.LookPath("initdb")
	pgCtl, err2 := exec.LookPath("pg_ctl")
	if err1 == nil && err2 == nil {
		return binaries{initdb: initdb, pgCtl: pgCtl}, nil
	}
	for _, dir := range versionDirs() {
		b := binaries{initdb: filepath.Join(dir, "initdb"), pgCtl: filepath.Join(dir, "pg_ctl")}
		if isExecutable(b.initdb) && isExecutable(b.pgCtl) {
			return b, nil
		}
	}
	return binaries{}, errNoBinaries
}

// versionDirs lists the folders matching debianInstalls, highest major version first.
func versionDirs() []string {
	dirs, _ := filepath.Glob(debianInstalls)
	version := func(dir string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	return dirs
}

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o111 != 0
}
