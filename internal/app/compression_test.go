package app

import (
	"testing"

	"go.temporal.io/sdk/client"
)

func TestClientCompressionIsOffOnlyOnThisHost(t *testing.T) {
	for hostPort, off := range map[string]bool{
		"127.0.0.1:7233":                   true,
		"127.0.0.5:7233":                   true,
		"localhost:7233":                   true,
		"[::1]:7233":                       true,
		"10.0.0.7:7233":                    false,
		"temporal.internal:7233":           false,
		"osb.a1b2c.tmprl.cloud:7233":       false,
		"ap-east-1.aws.api.temporal.io:72": false,
	} {
		got := ClientCompression(hostPort)
		if _, none := got.(*client.GrpcCompressionNone); none != off || (!off && got != nil) {
			t.Errorf("ClientCompression(%q) = %T, want none: %v (and the SDK's default otherwise)", hostPort, got, off)
		}
	}
}
