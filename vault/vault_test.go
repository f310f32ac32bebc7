package vault_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gears/vault"
)

func newVault(t *testing.T) *vault.Vault {
	key := make([]byte, vault.KeySize)
	rand.Read(key)
	v, err := vault.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	v := newVault(t)
	secret := []byte(`{"app_password":"abcd-efgh-ijkl-mnop"}`)
	sealed := v.Seal(secret, []byte("account:7"))
	if strings.Contains(sealed, "abcd") || !strings.HasPrefix(sealed, "v1:") {
		t.Fatalf("sealed = %q", sealed)
	}
	if again := v.Seal(secret, []byte("account:7")); again == sealed {
		t.Error("two seals of the same secret are equal: the nonce is not random")
	}
	got, err := v.Open(sealed, []byte("account:7"))
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open = %q, %v", got, err)
	}
	for name, tamper := range map[string]func(string) (string, []byte){
		"other context": func(s string) (string, []byte) { return s, []byte("account:8") },
		"flipped byte":  func(s string) (string, []byte) { return s[:10] + string(s[10]^1) + s[11:], []byte("account:7") },
		"truncated":     func(s string) (string, []byte) { return s[:8], []byte("account:7") },
		"no prefix":     func(s string) (string, []byte) { return s[3:], []byte("account:7") },
	} {
		s, ad := tamper(sealed)
		if _, err := v.Open(s, ad); !errors.Is(err, vault.ErrOpen) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := newVault(t).Open(sealed, []byte("account:7")); !errors.Is(err, vault.ErrOpen) {
		t.Errorf("another key opened it: %v", err)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	if _, err := vault.New(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	for _, s := range []string{"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", strings.Repeat("ab", 32)} {
		if k, err := vault.ParseKey(s); err != nil || len(k) != 32 {
			t.Errorf("ParseKey(%q) = %v", s, err)
		}
	}
	if _, err := vault.ParseKey("too short"); err == nil {
		t.Error("a bad key was accepted")
	}
	path := filepath.Join(t.TempDir(), "sub", "secret.key")
	k1, created, err := vault.LoadOrCreateKeyFile(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	k2, created, err := vault.LoadOrCreateKeyFile(path)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("load: %v %v", created, err)
	}
}
