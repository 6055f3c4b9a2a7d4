package main

import (
	"os/exec"
	"strings"
	"testing"
)

// devOnly are the import paths (and their subpackages) that only osb-dev may
// link: the embedded Temporal server, its Web UI and the private PostgreSQL.
var devOnly = []string{
	"osb/devserver",
	"go.temporal.io/server",
	"github.com/temporalio/ui-server",
}

func TestProductionBinaryLinksNoDevServer(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("go list -deps: %v: %s", err, ee.Stderr)
	} else if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed only %q", deps)
	}
	for _, dep := range deps {
		for _, bad := range devOnly {
			if dep == bad || strings.HasPrefix(dep, bad+"/") {
				t.Errorf("cmd/osb depends on %s: only cmd/osb-dev may link it", dep)
			}
		}
	}
}
