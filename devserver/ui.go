package devserver

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
)

// startUI serves the Web UI on ip:port and waits until it answers.
//
// The UI server's Start blocks, so it runs in a goroutine. It exits the
// process if it cannot listen, which is why Start checks the port first.
func (s *Server) startUI(ctx context.Context, ip string, port int) error {
	ui, err := newUIServer(ip, port, s.frontend, s.namespace)
	if err != nil {
		return err
	}
	s.ui = ui
	s.uiAddress = "http://" + hostPort(ip, port)
	go func() {
		if err := ui.Start(); err != nil {
			s.log.Error("web UI stopped", "error", err)
		}
	}()
	err = poll(ctx, func(ctx context.Context) error {
		return checkHealth(ctx, s.uiAddress+"/healthz")
	})
	if err != nil {
		return fmt.Errorf("wait for web UI at %s: %w", s.uiAddress, err)
	}
	return nil
}

// newUIServer builds the UI server, turning its panics on bad config into an error.
func newUIServer(ip string, port int, frontend, namespace string) (ui *uiserver.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("build web UI server: %v", r)
		}
	}()
	host := ip
	if strings.Contains(ip, ":") { // the UI server joins host and port without IPv6 brackets
		host = "[" + ip + "]"
	}
	conf := &uiconfig.Config{
		Host:                host,
		Port:                port,
		TemporalGRPCAddress: frontend,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		HideLogs:            true,
		DisableNewsFetch:    true,
	}
	return uiserver.NewServer(uiserveroptions.WithConfigProvider(conf)), nil
}

func checkHealth(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return nil
}
