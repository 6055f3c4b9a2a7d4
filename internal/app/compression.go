package app

import (
	"net"

	"go.temporal.io/sdk/client"
)

// ClientCompression is the gRPC compression a Temporal client should use for
// the frontend at hostPort: none when it is on this host (the embedded server,
// or any other on a loopback address), where gzip saves no bandwidth and
// costs CPU at both ends, about 5 % of a whole order cycle's
// (docs/benchmarks.md); nil, the SDK's default (gzip), for a remote one such
// as a cluster or Temporal Cloud.
func ClientCompression(hostPort string) client.GrpcCompression {
	host, _, err := net.SplitHostPort(hostPort)
	if err != nil {
		host = hostPort
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() {
		return &client.GrpcCompressionNone{}
	}
	return nil
}
