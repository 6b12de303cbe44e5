// Package pushcred checks push notification credentials before they are sent to the Control
// API: an APNs certificate as a PKCS#12 (.p12) file, an APNs token signing key (.p8), and a
// Firebase service account JSON file. The checks read only the files' structure; no error
// they return quotes a secret (a password, key material, the service account's contents).
package pushcred

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// EnvP12Password is the environment variable a .p12 file's password is read from when no
// --password is given: safer than an argument, which other users can see.
const EnvP12Password = "ABLY_APNS_P12_PASSWORD"

// ErrPEM is what CheckPKCS12 returns for a PEM file: a certificate or key exported as text
// where the binary .p12 was wanted. Callers say how to make a .p12 from it.
var ErrPEM = errors.New("a PEM file (\"-----BEGIN ...\"), not a PKCS#12 (.p12) file")

// ConvertHint tells a user holding PEM files how to make the .p12 that is wanted.
const ConvertHint = "export the certificate with its private key as a .p12 from Keychain Access, or convert PEM files with 'openssl pkcs12 -export -in cert.pem -inkey key.pem -out push.p12'"

// pfxVersion is the only version of the PFX structure (RFC 7292, section 4).
const pfxVersion = 3

// pfx is the outer structure of a PKCS#12 file (RFC 7292, section 4):
//
//	PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
//	ContentInfo ::= SEQUENCE { contentType OBJECT IDENTIFIER, content [0] EXPLICIT ANY OPTIONAL }
type pfx struct {
	Version  int
	AuthSafe contentInfo
	MacData  asn1.RawValue `asn1:"optional"`
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

// CheckPKCS12 reports whether data is a PKCS#12 file: DER (or BER with an indefinite outer
// length, as some tools write) starting with an ASN.1 SEQUENCE whose first element is the
// INTEGER version 3, followed by the authSafe ContentInfo. It does not decrypt anything, so
// it needs no password. A PEM file gets ErrPEM.
func CheckPKCS12(data []byte) error {
	if len(data) < 2 || data[0] != 0x30 {
		// openssl writes "Bag Attributes" lines before the PEM blocks it exports.
		if bytes.Contains(data[:min(len(data), 64<<10)], []byte("-----BEGIN")) {
			return ErrPEM
		}
		return errors.New("not a PKCS#12 (.p12) file: it does not start with an ASN.1 SEQUENCE")
	}
	if data[1] == 0x80 {
		// BER, indefinite length: encoding/asn1 reads DER only, so check the version by hand.
		if len(data) < 5 || !bytes.Equal(data[2:5], []byte{0x02, 0x01, pfxVersion}) {
			return errors.New("not a PKCS#12 (.p12) file: its first element is not the INTEGER version 3")
		}
		return nil
	}
	var outer asn1.RawValue
	rest, err := asn1.Unmarshal(data, &outer)
	if err != nil {
		return fmt.Errorf("not a PKCS#12 (.p12) file: %s", asn1Problem(err))
	}
	if len(rest) > 0 {
		return fmt.Errorf("not a PKCS#12 (.p12) file: %d bytes follow its structure", len(rest))
	}
	var version int
	if _, err := asn1.Unmarshal(outer.Bytes, &version); err != nil {
		return errors.New("not a PKCS#12 (.p12) file: its first element is not the INTEGER version 3")
	}
	if version != pfxVersion {
		return fmt.Errorf("not a PKCS#12 (.p12) file: PFX version %d, want 3", version)
	}
	var p pfx
	if _, err := asn1.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("not a PKCS#12 (.p12) file: its authSafe is not a ContentInfo: %s", asn1Problem(err))
	}
	return nil
}

// asn1Problem is an encoding/asn1 error without its package prefix.
func asn1Problem(err error) string {
	return strings.TrimPrefix(err.Error(), "asn1: ")
}

// CheckP8 reports whether data is an APNs token signing key as Apple's developer portal
// gives it (a .p8 file): one PEM "PRIVATE KEY" block holding a PKCS#8 ECDSA private key.
func CheckP8(data []byte) error {
	block, _ := pem.Decode(data)
	switch {
	case block == nil:
		return errors.New("not a .p8 key: no PEM block (want the \"-----BEGIN PRIVATE KEY-----\" file downloaded from the Apple developer portal)")
	case block.Type != "PRIVATE KEY":
		return fmt.Errorf("not a .p8 key: a PEM %q block, want \"PRIVATE KEY\" (the file downloaded from the Apple developer portal)", block.Type)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return errors.New("not a .p8 key: the PEM block is not a PKCS#8 private key")
	}
	if _, ok := key.(*ecdsa.PrivateKey); !ok {
		return fmt.Errorf("not an APNs signing key: its key type is %s, want ECDSA (APNs signing keys are P-256 ECDSA keys)", keyKind(key))
	}
	return nil
}

func keyKind(key any) string {
	name := fmt.Sprintf("%T", key) // *rsa.PrivateKey, ed25519.PrivateKey, *ecdh.PrivateKey
	name = strings.TrimPrefix(name, "*")
	name, _, _ = strings.Cut(name, ".")
	return strings.ToUpper(name)
}

// ServiceAccount reads a Firebase service account JSON file: a JSON object with "type":
// "service_account" and a "project_id". It returns the project ID.
func ServiceAccount(data []byte) (projectID string, err error) {
	var sa map[string]json.RawMessage
	if err := json.Unmarshal(data, &sa); err != nil || sa == nil {
		return "", errors.New("not JSON: want the service account JSON file from the Firebase console (Project settings, Service accounts, Generate new private key)")
	}
	var kind string
	if raw, ok := sa["type"]; !ok || json.Unmarshal(raw, &kind) != nil || kind != "service_account" {
		return "", errors.New(`not a service account: want "type": "service_account" (the file from the Firebase console's Service accounts tab)`)
	}
	if raw, ok := sa["project_id"]; !ok || json.Unmarshal(raw, &projectID) != nil || strings.TrimSpace(projectID) == "" {
		return "", errors.New(`the service account has no "project_id": want the file as the Firebase console generates it`)
	}
	return projectID, nil
}

// CheckPKCS12Flag is CheckPKCS12 for the file at path that --flag named: a usage error
// naming both, which for a PEM file says how to make a .p12. Every command that uploads a
// .p12 checks it with this, before any request.
func CheckPKCS12Flag(flag, path string, data []byte) error {
	err := CheckPKCS12(data)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrPEM):
		return exitcode.Usagef("--%s %s: %v: %s", flag, path, err, ConvertHint)
	}
	return exitcode.Usagef("--%s %s: %v (want the .p12 file exported with the APNs certificate and its private key)", flag, path, err)
}
