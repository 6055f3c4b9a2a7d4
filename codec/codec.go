// Package codec encrypts Temporal payloads with AES-256-GCM, so that order
// histories hold no customer names, amounts or free text in plain JSON, and
// serves Temporal's remote codec protocol so that the Web UI and the CLI can
// show the decoded payloads to people OSB authenticates.
package codec

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strings"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"
)

// Metadata of an encrypted payload.
const (
	Encoding      = "binary/encrypted"  // the payload's "encoding"
	MetadataKeyID = "encryption-key-id" // names the key that encrypted it
	keySize       = 32                  // AES-256
)

// Key is one named encryption key.
type Key struct {
	ID  string
	key []byte
}

// String hides the key material: a Key printed or logged shows its id only.
func (k Key) String() string { return "codec key " + k.ID }

var keyID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseKeys reads keys written as id:base64key, separated by commas or
// lines (blank lines and lines starting with # are skipped). setting names
// where they came from in the errors, which never quote key material.
func ParseKeys(setting, text string) ([]Key, error) {
	var keys []Key
	seen := map[string]bool{}
	n := 0
	for line := range strings.SplitSeq(text, "\n") {
		if l := strings.TrimSpace(line); l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		for entry := range strings.SplitSeq(line, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			n++
			id, b64, ok := strings.Cut(entry, ":")
			id = strings.TrimSpace(id)
			if !ok || !keyID.MatchString(id) {
				return nil, fmt.Errorf("%s: key %d is not id:base64key with an id of letters, digits, '.', '_' or '-'", setting, n)
			}
			if seen[id] {
				return nil, fmt.Errorf("%s: key id %q appears twice", setting, id)
			}
			seen[id] = true
			raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
			if err != nil {
				return nil, fmt.Errorf("%s: key %q is not standard base64", setting, id)
			}
			if len(raw) != keySize {
				return nil, fmt.Errorf("%s: key %q is %d bytes, must be %d (openssl rand -base64 32)", setting, id, len(raw), keySize)
			}
			keys = append(keys, Key{ID: id, key: raw})
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%s holds no key: write id:base64key, e.g. k1:$(openssl rand -base64 32)", setting)
	}
	return keys, nil
}

// Codec is a converter.PayloadCodec that encrypts with its first key and
// decrypts with whichever key a payload names.
type Codec struct {
	encryptWith string
	aeads       map[string]cipher.AEAD
}

var _ converter.PayloadCodec = (*Codec)(nil)

// New returns a codec that encrypts with keys[0] and decrypts with any of
// keys, so payloads of a retired key still decode after a rotation.
func New(keys []Key) (*Codec, error) {
	if len(keys) == 0 {
		return nil, errors.New("codec: no keys")
	}
	c := &Codec{encryptWith: keys[0].ID, aeads: make(map[string]cipher.AEAD, len(keys))}
	for _, k := range keys {
		if _, dup := c.aeads[k.ID]; dup {
			return nil, fmt.Errorf("codec: key id %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.key)
		if err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", k.ID, err)
		}
		if c.aeads[k.ID], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("codec: key %q: %w", k.ID, err)
		}
	}
	return c, nil
}

// KeyID is the id of the key new payloads are encrypted with.
func (c *Codec) KeyID() string { return c.encryptWith }

// Encode encrypts each whole payload, metadata included, into a payload
// marked binary/encrypted with the key's id; the id is also the additional
// authenticated data, so a payload cannot be relabelled.
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	aead := c.aeads[c.encryptWith]
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		plain, err := proto.Marshal(p)
		if err != nil {
			return payloads, fmt.Errorf("codec: encode: %w", err)
		}
		nonce := make([]byte, aead.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return payloads, fmt.Errorf("codec: encode: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataKeyID:              []byte(c.encryptWith),
			},
			Data: aead.Seal(nonce, nonce, plain, []byte(c.encryptWith)),
		}
	}
	return out, nil
}

// Decode decrypts the payloads this codec's keys encrypted; any other
// payload passes through unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != Encoding {
			out[i] = p
			continue
		}
		id := string(p.GetMetadata()[MetadataKeyID])
		aead, ok := c.aeads[id]
		if !ok {
			return payloads, fmt.Errorf("codec: payload encrypted with key %q, which is not among the configured keys (OSB_CODEC_KEYS or OSB_CODEC_KEYS_FILE): keep retired keys after the current one", id)
		}
		data := p.GetData()
		if len(data) < aead.NonceSize() {
			return payloads, fmt.Errorf("codec: payload of key %q is too short to be encrypted data", id)
		}
		plain, err := aead.Open(nil, data[:aead.NonceSize()], data[aead.NonceSize():], []byte(id))
		if err != nil {
			return payloads, fmt.Errorf("codec: payload of key %q does not decrypt: altered, or encrypted with another key of that id", id)
		}
		var dec commonpb.Payload
		if err := proto.Unmarshal(plain, &dec); err != nil {
			return payloads, fmt.Errorf("codec: payload of key %q decrypts to no payload: %w", id, err)
		}
		out[i] = &dec
	}
	return out, nil
}

// DataConverter is the SDK's default converter with c's encryption.
func DataConverter(c *Codec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}
