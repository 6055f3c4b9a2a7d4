package codec_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"osb/codec"
	"osb/sales"
)

const customer = "华东精密机械有限公司"

func newKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(b)
}

func newCodec(t *testing.T, spec string) *codec.Codec {
	t.Helper()
	keys, err := codec.ParseKeys("OSB_CODEC_KEYS", spec)
	require.NoError(t, err)
	c, err := codec.New(keys)
	require.NoError(t, err)
	return c
}

func plainPayload(t *testing.T, v any) *commonpb.Payload {
	t.Helper()
	p, err := converter.GetDefaultDataConverter().ToPayload(v)
	require.NoError(t, err)
	return p
}

func TestRoundTripHidesThePlaintext(t *testing.T) {
	c := newCodec(t, "k1:"+newKey(t))
	in := plainPayload(t, map[string]string{"customer_name": customer})
	enc, err := c.Encode([]*commonpb.Payload{in})
	require.NoError(t, err)
	assert.Equal(t, codec.Encoding, string(enc[0].Metadata[converter.MetadataEncoding]))
	assert.Equal(t, "k1", string(enc[0].Metadata[codec.MetadataKeyID]))
	assert.NotContains(t, string(enc[0].Data), customer)
	assert.NotContains(t, string(enc[0].Data), "json/plain", "the inner metadata is encrypted too")

	again, err := c.Encode([]*commonpb.Payload{in})
	require.NoError(t, err)
	assert.NotEqual(t, enc[0].Data, again[0].Data, "a fresh nonce for every payload")

	dec, err := c.Decode(enc)
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(dec[0], &got))
	assert.Equal(t, customer, got["customer_name"])

	dc := codec.DataConverter(c)
	p, err := dc.ToPayload(customer)
	require.NoError(t, err)
	assert.NotContains(t, string(p.Data), customer)
	var s string
	require.NoError(t, dc.FromPayload(p, &s))
	assert.Equal(t, customer, s)
}

func TestRotationDecodesPayloadsOfTheOldKey(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	old := newCodec(t, "k1:"+k1)
	encOld, err := old.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)

	rotated := newCodec(t, "k2:"+k2+",k1:"+k1)
	assert.Equal(t, "k2", rotated.KeyID())
	encNew, err := rotated.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	assert.Equal(t, "k2", string(encNew[0].Metadata[codec.MetadataKeyID]))

	dec, err := rotated.Decode([]*commonpb.Payload{encOld[0], encNew[0]})
	require.NoError(t, err)
	for _, p := range dec {
		var s string
		require.NoError(t, converter.GetDefaultDataConverter().FromPayload(p, &s))
		assert.Equal(t, customer, s)
	}
}

func TestTamperedCiphertextIsRefused(t *testing.T) {
	c := newCodec(t, "k1:"+newKey(t))
	enc, err := c.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	enc[0].Data[len(enc[0].Data)-1] ^= 1
	_, err = c.Decode(enc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not decrypt")
}

func TestRelabelledKeyIDIsRefused(t *testing.T) {
	k := newKey(t)
	c := newCodec(t, "k1:"+k+",k2:"+k) // same material under two ids
	enc, err := c.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	enc[0].Metadata[codec.MetadataKeyID] = []byte("k2")
	_, err = c.Decode(enc)
	require.Error(t, err, "the key id is authenticated data")
}

func TestUnknownKeyIDIsAClearError(t *testing.T) {
	enc, err := newCodec(t, "old:"+newKey(t)).Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	_, err = newCodec(t, "new:"+newKey(t)).Decode(enc)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `key "old"`)
	assert.Contains(t, err.Error(), "not among the configured keys")
}

func TestUnencryptedPayloadsPassThrough(t *testing.T) {
	c := newCodec(t, "k1:"+newKey(t))
	in := plainPayload(t, customer)
	dec, err := c.Decode([]*commonpb.Payload{in})
	require.NoError(t, err)
	assert.Same(t, in, dec[0])
}

func TestParseKeys(t *testing.T) {
	good := newKey(t)
	keys, err := codec.ParseKeys("OSB_CODEC_KEYS_FILE", "# current first\nk2:"+good+"\n\n k1 : "+newKey(t)+"\n")
	require.NoError(t, err)
	require.Len(t, keys, 2)
	assert.Equal(t, "k2", keys[0].ID)
	assert.NotContains(t, keys[0].String(), good, "a key prints as its id")

	short := base64.StdEncoding.EncodeToString([]byte("sixteen bytes!!!"))
	for name, spec := range map[string]string{
		"empty":     "",
		"no id":     good,
		"duplicate": "a:" + good + ",a:" + good,
		"short":     "a:" + short,
		"not b64":   "a:" + good[:10] + "!!" + good[12:],
		"bad id":    "a b:" + good,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := codec.ParseKeys("OSB_CODEC_KEYS", spec)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "OSB_CODEC_KEYS")
			assert.NotContains(t, err.Error(), good)
			assert.NotContains(t, err.Error(), good[:10])
			assert.NotContains(t, err.Error(), short)
		})
	}
}

// tokens authenticates the bearer tokens it maps to users.
type tokens map[string]sales.User

func (ts tokens) Authenticate(_ context.Context, token string) (sales.User, error) {
	if u, ok := ts[token]; ok {
		return u, nil
	}
	return sales.User{}, sales.Errorf(sales.ErrUnauthorized, "invalid, expired or revoked token")
}

const uiOrigin = "https://temporal.example.com"

func newServer(t *testing.T, c *codec.Codec) *httptest.Server {
	t.Helper()
	auth := tokens{
		"admin-token": {ID: "admin", Role: sales.RoleAdmin},
		"fin-token":   {ID: "fin1", Role: sales.RoleFinance},
		"kam-token":   {ID: "kam-huadong-1", Role: sales.RoleFSF},
	}
	srv := httptest.NewServer(codec.Handler(c, auth, uiOrigin, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, token string, payloads []*commonpb.Payload) (*http.Response, []byte) {
	t.Helper()
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: payloads})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Namespace", "default")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func TestEndpointRefusesWithoutAValidToken(t *testing.T) {
	c := newCodec(t, "k1:"+newKey(t))
	srv := newServer(t, c)
	enc, err := c.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	for _, token := range []string{"", "not-a-token"} {
		resp, body := post(t, srv.URL+"/codec/decode", token, enc)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		assert.Contains(t, string(body), `"code":"unauthorized"`)
		assert.NotContains(t, string(body), customer)
	}
	resp, body := post(t, srv.URL+"/codec/decode", "kam-token", enc)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "the FSF see only their customers; the codec cannot tell whose a payload is")
	assert.NotContains(t, string(body), customer)
}

func TestEndpointDecodesAndEncodesForAnAuthorisedUser(t *testing.T) {
	c := newCodec(t, "k1:"+newKey(t))
	srv := newServer(t, c)
	enc, err := c.Encode([]*commonpb.Payload{plainPayload(t, customer)})
	require.NoError(t, err)
	for _, token := range []string{"admin-token", "fin-token"} {
		resp, body := post(t, srv.URL+"/codec/decode", token, enc)
		require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
		var out commonpb.Payloads
		require.NoError(t, protojson.Unmarshal(body, &out))
		var s string
		require.NoError(t, converter.GetDefaultDataConverter().FromPayload(out.Payloads[0], &s))
		assert.Equal(t, customer, s)
	}

	resp, body := post(t, srv.URL+"/codec/encode", "admin-token", []*commonpb.Payload{plainPayload(t, customer)})
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.NotContains(t, string(body), base64.StdEncoding.EncodeToString([]byte(`"`+customer+`"`)))
	var out commonpb.Payloads
	require.NoError(t, protojson.Unmarshal(body, &out))
	dec, err := c.Decode(out.Payloads)
	require.NoError(t, err)
	var s string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(dec[0], &s))
	assert.Equal(t, customer, s)

	resp, body = post(t, srv.URL+"/codec/decode", "admin-token", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode, string(body))
}

func TestEndpointCORS(t *testing.T) {
	srv := newServer(t, newCodec(t, "k1:"+newKey(t)))
	preflight := func(origin string) *http.Response {
		req, err := http.NewRequest(http.MethodOptions, srv.URL+"/codec/decode", nil)
		require.NoError(t, err)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	resp := preflight(uiOrigin)
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
	for _, h := range []string{"Authorization", "Content-Type", "X-Namespace"} {
		assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), h)
	}

	resp = preflight("https://evil.example.com")
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))

	req, err := http.NewRequest(http.MethodPost, srv.URL+"/codec/decode", strings.NewReader(`{"payloads":[]}`))
	require.NoError(t, err)
	req.Header.Set("Origin", uiOrigin)
	req.Header.Set("Authorization", "Bearer admin-token")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"), "the answer itself carries the CORS header")
}
