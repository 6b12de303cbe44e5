package proto

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CipherParams is the channel cipher of RSL5: AES in CBC mode, 128 or 256 bits after the
// length of Key (RSE1d). Its String and GoString never show the key.
type CipherParams struct {
	Key []byte
}

// Algorithm is the cipher's name as an encoding step writes it after "cipher+":
// "aes-128-cbc" or "aes-256-cbc" (RSL5b). A key of any other length is an error (RSE1e).
func (c *CipherParams) Algorithm() (string, error) {
	switch len(c.Key) {
	case 16:
		return "aes-128-cbc", nil
	case 32:
		return "aes-256-cbc", nil
	case 0:
		return "", errors.New("the cipher key is empty: AES needs a 16-byte (128-bit) or 32-byte (256-bit) key")
	}
	return "", fmt.Errorf("the cipher key is %d bytes long: AES needs 16 bytes (128-bit) or 32 bytes (256-bit)", len(c.Key))
}

// String describes the cipher without its key, so printing CipherParams is safe.
func (c CipherParams) String() string {
	if alg, err := c.Algorithm(); err == nil {
		return "CipherParams{" + alg + ", key redacted}"
	}
	return "CipherParams{" + strconv.Itoa(len(c.Key)) + "-byte key, redacted}"
}

// GoString is String for %#v.
func (c CipherParams) GoString() string { return c.String() }

// ParseCipherKey reads a cipher key as a user gives it: hex (32 or 64 digits, an optional
// 0x in front) or base64, standard or URL-safe, padded or not (RSE1c). The key must be 16 or
// 32 bytes (RSE1e). Errors say what is wrong and never repeat the key.
func ParseCipherKey(s string) (CipherParams, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return CipherParams{}, errors.New("the cipher key is empty: give a 128-bit or 256-bit key as base64 or hex")
	}
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	var key []byte
	if isHex(digits) && (len(digits) == 32 || len(digits) == 64) {
		key, _ = hex.DecodeString(digits) // cannot fail: checked above
	} else {
		var ok bool
		if key, ok = decodeBase64Lenient(s); !ok {
			if isHex(digits) {
				return CipherParams{}, fmt.Errorf("the cipher key has %d hex digits: a hex key needs 32 (128-bit) or 64 (256-bit)", len(digits))
			}
			return CipherParams{}, errors.New("the cipher key is neither base64 nor hex: give a 128-bit or 256-bit key as base64 (e.g. 24 characters for 128 bits) or hex (32 or 64 digits)")
		}
	}
	c := CipherParams{Key: key}
	if _, err := c.Algorithm(); err != nil {
		return CipherParams{}, fmt.Errorf("%w; give it as base64 or hex", err)
	}
	return c, nil
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// decodeBase64Lenient accepts standard and URL-safe base64, with or without padding
// (RSE1c: the key's base64 is not under Ably's control).
func decodeBase64Lenient(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, true
		}
	}
	return nil, false
}

// encrypt returns IV ‖ AES-CBC(PKCS#7(plaintext)), the payload format of the encryption
// spec, with the IV read from random.
func (c *CipherParams) encrypt(plaintext []byte, random io.Reader) ([]byte, error) {
	block, err := aes.NewCipher(c.Key)
	if err != nil {
		return nil, err // unreachable after Algorithm; aes errors name only the length
	}
	pad := aes.BlockSize - len(plaintext)%aes.BlockSize
	out := make([]byte, aes.BlockSize+len(plaintext)+pad)
	if _, err := io.ReadFull(random, out[:aes.BlockSize]); err != nil {
		return nil, fmt.Errorf("cannot read a random IV: %w", err)
	}
	copy(out[aes.BlockSize:], plaintext)
	for i := len(out) - pad; i < len(out); i++ {
		out[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(block, out[:aes.BlockSize]).CryptBlocks(out[aes.BlockSize:], out[aes.BlockSize:])
	return out, nil
}

// decrypt undoes encrypt: the first 16 bytes are the IV, the rest whole blocks ending in
// PKCS#7 padding.
func (c *CipherParams) decrypt(payload []byte) ([]byte, error) {
	block, err := aes.NewCipher(c.Key)
	if err != nil {
		return nil, err
	}
	if len(payload) < 2*aes.BlockSize || len(payload)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("encrypted data is %d bytes: it should be a 16-byte IV followed by one or more 16-byte blocks", len(payload))
	}
	plain := make([]byte, len(payload)-aes.BlockSize)
	cipher.NewCBCDecrypter(block, payload[:aes.BlockSize]).CryptBlocks(plain, payload[aes.BlockSize:])
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > aes.BlockSize {
		return nil, errors.New("the padding of the decrypted data is invalid: wrong cipher key, or corrupt data")
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, errors.New("the padding of the decrypted data is invalid: wrong cipher key, or corrupt data")
		}
	}
	return plain[:len(plain)-pad], nil
}
