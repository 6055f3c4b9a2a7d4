package app

import (
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"osb/starter"
)

func TestTheServerHasTimeoutsAndAHeaderLimit(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})}
	limitServer(srv)
	for name, d := range map[string]time.Duration{
		"ReadHeaderTimeout": srv.ReadHeaderTimeout, "ReadTimeout": srv.ReadTimeout,
		"WriteTimeout": srv.WriteTimeout, "IdleTimeout": srv.IdleTimeout,
	} {
		if d <= 0 || d > 5*time.Minute {
			t.Errorf("%s = %s", name, d)
		}
	}
	if srv.WriteTimeout <= starter.RequestTimeout {
		t.Errorf("WriteTimeout %s would cut off the API's 504 at %s", srv.WriteTimeout, starter.RequestTimeout)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/healthz"
	get := func(header string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("X-Padding", header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get("small"); got != http.StatusOK {
		t.Errorf("a plain request: %d", got)
	}
	if got := get(strings.Repeat("x", 100<<10)); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KiB of headers: %d, want 431", got)
	}
}
