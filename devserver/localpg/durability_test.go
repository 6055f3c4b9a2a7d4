package localpg

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestClusterCommitsSynchronously(t *testing.T) {
	t.Parallel()
	url := ensure(t, testOptions(t))
	ctx := testContext(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	for setting, want := range map[string]string{"synchronous_commit": "on", "fsync": "on", "full_page_writes": "on"} {
		var got string
		if err := conn.QueryRow(ctx, "SHOW "+setting).Scan(&got); err != nil {
			t.Fatalf("SHOW %s: %v", setting, err)
		}
		if got != want {
			t.Errorf("%s = %s, want %s: a commit the workflow was told about could vanish in a crash", setting, got, want)
		}
	}
}
