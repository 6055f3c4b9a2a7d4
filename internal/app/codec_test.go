package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCodecKeysComeFromTheEnvironmentOrAFileAndAreNeverQuoted(t *testing.T) {
	const key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // 32 bytes
	t.Setenv("OSB_CODEC_KEYS", "")
	t.Setenv("OSB_CODEC_KEYS_FILE", "")
	if cfg, err := loadConfig(); err != nil || cfg.Codec != nil {
		t.Fatalf("no keys: codec %v, %v", cfg.Codec, err)
	}
	t.Setenv("OSB_CODEC_KEYS", "k2:"+key+",k1:"+key)
	if cfg, err := loadConfig(); err != nil || cfg.Codec == nil || cfg.Codec.KeyID() != "k2" {
		t.Fatalf("OSB_CODEC_KEYS: codec %v, %v", cfg.Codec, err)
	}
	file := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(file, []byte("# rotated 2026-12\nk3:"+key+"\nk2:"+key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OSB_CODEC_KEYS_FILE", file)
	if _, err := loadConfig(); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("both set: %v", err)
	}
	t.Setenv("OSB_CODEC_KEYS", "")
	if cfg, err := loadConfig(); err != nil || cfg.Codec == nil || cfg.Codec.KeyID() != "k3" {
		t.Fatalf("OSB_CODEC_KEYS_FILE: codec %v, %v", cfg.Codec, err)
	}
	t.Setenv("OSB_CODEC_KEYS_FILE", "")
	for _, bad := range []string{key, "k1:" + key[:20], "k1:" + key + ",k1:" + key} {
		t.Setenv("OSB_CODEC_KEYS", bad)
		_, err := loadConfig()
		if err == nil || !strings.Contains(err.Error(), "OSB_CODEC_KEYS") || strings.Contains(err.Error(), key[:20]) {
			t.Errorf("OSB_CODEC_KEYS=%q: %v, want it named and no key quoted", bad, err)
		}
	}
}
