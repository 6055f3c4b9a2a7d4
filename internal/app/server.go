package app

import (
	"net/http"
	"time"

	"osb/starter"
)

// limitServer sets the limits of the HTTP server of the API and the
// console, so that a slow or hostile client cannot hold a connection or
// memory for long: a client that dribbles its headers or its body is cut
// off, a kept-alive connection with no request is closed, and headers are
// held to 64 KiB (Go's default is 1 MiB). The write timeout leaves the
// API's own 504 at starter.RequestTimeout the time to reach the client.
func limitServer(srv *http.Server) {
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.ReadTimeout = 30 * time.Second // the whole request: the API reads at most 1 MiB of body
	srv.WriteTimeout = starter.RequestTimeout + 30*time.Second
	srv.IdleTimeout = 2 * time.Minute
	srv.MaxHeaderBytes = 64 << 10
}
