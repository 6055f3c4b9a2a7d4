package localpg

import (
	"context"
	"path/filepath"
	"testing"
)

func TestMissingBinariesSayWhatToDo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	old := debianInstalls
	debianInstalls = filepath.Join(t.TempDir(), "*", "bin")
	defer func() { debianInstalls = old }()
	_, err := Ensure(context.Background(), Options{DataDir: filepath.Join(t.TempDir(), "pg"), Port: 1})
	if err == nil || err.Error() != errNoBinaries.Error() {
		t.Fatalf("Ensure = %v, want %q", err, errNoBinaries)
	}
}
