package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"osb/activities"
	"osb/codec"
	"osb/demo"
	"osb/devserver"
	"osb/devserver/localpg"
	"osb/internal/app"
	"osb/postgres"
	"osb/postgres/pgtest"
	"osb/sales"
	"osb/starter"
	"osb/worker"
	"osb/workflows"
)

// TestEncryptedHistoryHoldsNoCustomerName runs an order through a worker and
// an API whose Temporal clients are dialled as OSB dials them with
// OSB_CODEC_KEYS, on a Temporal server and database of their own (the
// shared system's worker has no keys): the history, read raw by a client
// without the codec, holds the customer's name nowhere, while a client with
// the codec reads it from the order's memo.
func TestEncryptedHistoryHoldsNoCustomerName(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store := codecStore(t, ctx, log)
	srv, err := devserver.Start(ctx, devserver.Options{SearchAttributes: workflows.SearchAttributes(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)

	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	keys, err := codec.ParseKeys("OSB_CODEC_KEYS", "e2e:"+base64.StdEncoding.EncodeToString(key))
	if err != nil {
		t.Fatal(err)
	}
	cod, err := codec.New(keys)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := app.DialTemporal(ctx, app.Config{TemporalNS: srv.Namespace(), Codec: cod}, srv.FrontendAddress(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(enc.Close)
	plain, err := app.DialTemporal(ctx, app.Config{TemporalNS: srv.Namespace()}, srv.FrontendAddress(), log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(plain.Close)

	w := worker.New(enc, &activities.Activities{Store: store, Logger: log}, worker.Options{})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	h := starter.New(starter.Config{Store: store, Orders: starter.NewTemporalOrders(enc), Policy: sales.DefaultPolicy(), Quota: store,
		Credit: starter.NewTemporalCredit(enc, store, sales.DefaultCreditPolicy()), Logger: log})
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	a := &api{t: t, url: hs.URL}

	cust, err := store.Customer(ctx, "C001")
	if err != nil {
		t.Fatal(err)
	}
	no := a.order(cust.ID, a.plainSKU(), 1)
	if v := a.status(no); v.OrderNo != no || v.Status == "" {
		t.Fatalf("the order's status through the codec: %+v", v)
	}

	wid := workflows.WorkflowID(no)
	var raw bytes.Buffer
	iter := plain.GetWorkflowHistory(ctx, wid, "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	events := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		b, err := proto.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		raw.Write(b)
		events++
		if in := ev.GetWorkflowExecutionStartedEventAttributes().GetInput(); in != nil {
			for _, p := range in.Payloads {
				if e := string(p.Metadata[converter.MetadataEncoding]); e != codec.Encoding {
					t.Errorf("the order's input is stored as %s", e)
				}
			}
		}
	}
	desc, err := plain.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(desc)
	if err != nil {
		t.Fatal(err)
	}
	raw.Write(b)
	if events < 5 {
		t.Fatalf("only %d events in %s's history", events, wid)
	}
	if bytes.Contains(raw.Bytes(), []byte(cust.Name)) {
		t.Errorf("the stored history of %s holds the customer's name %q in plain text", wid, cust.Name)
	}

	withCodec, err := enc.DescribeWorkflowExecution(ctx, wid, "")
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := codec.DataConverter(cod).FromPayload(withCodec.WorkflowExecutionInfo.Memo.Fields["customer_name"], &name); err != nil || name != cust.Name {
		t.Errorf("a client with the codec reads the memo's customer %q (%v), want %q", name, err, cust.Name)
	}
	var leak string
	if err := converter.GetDefaultDataConverter().FromPayload(desc.WorkflowExecutionInfo.Memo.Fields["customer_name"], &leak); err == nil {
		t.Errorf("a client without the codec read the memo's customer: %q", leak)
	}
}

// codecStore is a migrated database of its own with the demo organisation
// and tokens.
func codecStore(t *testing.T, ctx context.Context, log *slog.Logger) *postgres.Store {
	t.Helper()
	admin := pgtest.AdminURL(t)
	name := fmt.Sprintf("osb_e2e_codec_%d", time.Now().UnixNano())
	dbURL, err := localpg.CreateDatabase(ctx, admin, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = localpg.DropDatabase(context.Background(), admin, name) })
	if err := postgres.Migrate(ctx, dbURL, log); err != nil {
		t.Fatal(err)
	}
	store, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(store.Close)
	if err := store.SaveOrganisation(ctx, demo.Organisation()); err != nil {
		t.Fatal(err)
	}
	for user, tok := range demo.Tokens() {
		if err := store.SaveToken(ctx, user, "demo", tok, time.Now().Add(sales.DefaultTokenTTL)); err != nil {
			t.Fatal(err)
		}
	}
	return store
}
