package localpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// fallbackRoot holds the data folders of projects that the server user cannot reach,
// such as a clone in a private temporary folder or under /root.
const fallbackRoot = "/var/tmp"

// resolveDataDir returns the folder the server keeps its data in: dataDir itself when the
// account can reach it, else a folder under fallbackRoot named after dataDir.
func resolveDataDir(ctx context.Context, a account, dataDir string) (dir string, fallback bool) {
	if a.canReach(ctx, nearestExisting(filepath.Dir(dataDir))) {
		return dataDir, false
	}
	return fallbackDir(dataDir), true
}

// fallbackDir is /var/tmp/osb-postgres-<short hash of dataDir>/data.
func fallbackDir(dataDir string) string {
	sum := sha256.Sum256([]byte(dataDir))
	return filepath.Join(fallbackRoot, "osb-postgres-"+hex.EncodeToString(sum[:4]), "data")
}

// nearestExisting returns dir or the closest folder above it that exists.
func nearestExisting(dir string) string {
	for {
		if _, err := os.Stat(dir); err == nil || dir == filepath.Dir(dir) {
			return dir
		}
		dir = filepath.Dir(dir)
	}
}

// prepareDataDir creates dir, private to the account, and its parent, open to it.
// A parent under fallbackRoot is created for the account too, and refused when someone
// else made it first, since /var/tmp is writable by all.
func prepareDataDir(a account, dir string, fallback bool) error {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("localpg: create folder %s: %w", parent, err)
	}
	if fallback {
		if err := checkFallbackParent(a, parent); err != nil {
			return err
		}
		if err := a.own(parent); err != nil {
			return fmt.Errorf("localpg: give %s to the %s user: %w", parent, serverUser, err)
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("localpg: create data folder %s: %w", dir, err)
	}
	if err := a.own(dir); err != nil {
		return fmt.Errorf("localpg: give data folder %s to the %s user: %w", dir, serverUser, err)
	}
	return nil
}

// checkFallbackParent refuses a folder in the shared fallbackRoot that is a link or
// belongs to a user other than us or the account.
func checkFallbackParent(a account, parent string) error {
	info, err := os.Lstat(parent)
	if err != nil {
		return fmt.Errorf("localpg: inspect folder %s: %w", parent, err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	trusted := ok && (int(st.Uid) == os.Geteuid() || (a.root && st.Uid == a.cred.Uid))
	if !info.IsDir() || !trusted {
		return fmt.Errorf("localpg: folder %s belongs to another user or is not a folder: remove it and try again", parent)
	}
	return nil
}

// initialised reports whether dir holds a cluster made by initdb.
func initialised(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "PG_VERSION"))
	return err == nil
}
