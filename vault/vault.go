// Package vault encrypts secrets at rest — the credentials of connected
// social accounts — with AES-256-GCM under one key that Gears keeps outside
// the database.
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KeySize is the length of a key: AES-256.
const KeySize = 32

// prefix marks the format of a sealed value, so it can change later.
const prefix = "v1:"

// Vault seals and opens secrets with one key.
type Vault struct{ aead cipher.AEAD }

// New returns a vault for a 32-byte key.
func New(key []byte) (*Vault, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: the key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return &Vault{aead: aead}, nil
}

// Seal encrypts plaintext; additional binds it to a context (such as the
// row it belongs to), so a sealed value copied elsewhere does not open.
func (v *Vault) Seal(plaintext, additional []byte) string {
	nonce := make([]byte, v.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := v.aead.Seal(nonce, nonce, plaintext, additional)
	return prefix + base64.RawStdEncoding.EncodeToString(out)
}

// ErrOpen reports a sealed value that does not open: another key, another
// context, or tampering.
var ErrOpen = errors.New("vault: the secret does not open with this key")

// Open decrypts a value made by Seal with the same additional data.
func (v *Vault) Open(sealed string, additional []byte) ([]byte, error) {
	raw, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, ErrOpen
	}
	b, err := base64.RawStdEncoding.DecodeString(raw)
	if err != nil || len(b) < v.aead.NonceSize() {
		return nil, ErrOpen
	}
	out, err := v.aead.Open(nil, b[:v.aead.NonceSize()], b[v.aead.NonceSize():], additional)
	if err != nil {
		return nil, ErrOpen
	}
	return out, nil
}

// ParseKey reads a key written as base64 (standard or URL alphabet, with or
// without padding) or as 64 hexadecimal digits.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	if len(s) == 2*KeySize {
		b := make([]byte, KeySize)
		if _, err := fmt.Sscanf(s, "%x", &b); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("vault: a key is %d random bytes written in base64 (e.g. `openssl rand -base64 32`)", KeySize)
}

// LoadOrCreateKeyFile reads the key in path, or, when the file does not
// exist, makes a new random key and writes it there (mode 0600). created
// says which happened.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := ParseKey(string(b))
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("vault: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("vault: %w", err)
	}
	// O_EXCL: if another process made it meanwhile, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateKeyFile(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("vault: %w", err)
	}
	defer f.Close()
	if _, err := f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n"); err != nil {
		return nil, false, fmt.Errorf("vault: %w", err)
	}
	return key, true, f.Sync()
}
