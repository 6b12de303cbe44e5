package pushcred_test

import (
	"bytes"
	"encoding/asn1"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ably/ably-suite/internal/pushcred"
	"github.com/ably/ably-suite/internal/pushcred/pushcredtest"
)

func TestCheckPKCS12Accepts(t *testing.T) {
	// testdata/openssl.p12: 'openssl pkcs12 -export' of a throwaway self-signed certificate
	// (password "test"), as a real export looks: DER, with a MAC.
	real, err := os.ReadFile("testdata/openssl.p12")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"openssl export":       real,
		"pushcredtest.PFX":     pushcredtest.PFX(),
		"BER indefinite outer": append([]byte{0x30, 0x80, 0x02, 0x01, 0x03}, 0x30, 0x00, 0x00, 0x00),
	} {
		if err := pushcred.CheckPKCS12(data); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCheckPKCS12Refuses(t *testing.T) {
	v2, _ := asn1.Marshal(struct {
		Version int
		Rest    asn1.RawValue
	}{2, asn1.RawValue{FullBytes: []byte{0x30, 0x00}}})
	noAuthSafe, _ := asn1.Marshal(struct{ Version int }{3})
	notInteger, _ := asn1.Marshal(struct{ Name string }{"x"})
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"PEM certificate", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"), "PEM"},
		{"openssl -nodes output", []byte("Bag Attributes\n    localKeyID: 01\nsubject=/CN=x\n-----BEGIN CERTIFICATE-----\n"), "PEM"},
		{"text", []byte("not really a PKCS#12 file"), "does not start with an ASN.1 SEQUENCE"},
		{"one byte", []byte{0x30}, "does not start with an ASN.1 SEQUENCE"},
		{"truncated", pushcredtest.PFX()[:10], "not a PKCS#12"},
		{"trailing bytes", append(pushcredtest.PFX(), 0, 0), "2 bytes follow"},
		{"version 2", v2, "PFX version 2, want 3"},
		{"no authSafe", noAuthSafe, "authSafe"},
		{"string first", notInteger, "first element is not the INTEGER version 3"},
		{"BER, wrong version", []byte{0x30, 0x80, 0x02, 0x01, 0x02, 0x00, 0x00}, "version 3"},
		{"the fake's old fixture", []byte("0\x82 not really a PKCS#12 file, the fake does not open it\n"), "not a PKCS#12"},
	} {
		err := pushcred.CheckPKCS12(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	if err := pushcred.CheckPKCS12([]byte("-----BEGIN CERTIFICATE-----\n")); !errors.Is(err, pushcred.ErrPEM) {
		t.Errorf("PEM: %v, want ErrPEM", err)
	}
}

func TestCheckP8(t *testing.T) {
	key := pushcredtest.P8()
	if err := pushcred.CheckP8(key); err != nil {
		t.Fatalf("a P-256 PKCS#8 key: %v", err)
	}
	ecKey := bytes.Replace(key, []byte("PRIVATE KEY"), []byte("EC PRIVATE KEY"), 2)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not PEM", []byte("hello"), "no PEM block"},
		{"a certificate", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), `a PEM "CERTIFICATE" block`},
		{"SEC 1 EC key", ecKey, `a PEM "EC PRIVATE KEY" block`},
		{"garbage in the block", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "not a PKCS#8 private key"},
		{"RSA", pushcredtest.RSAP8(), "its key type is RSA, want ECDSA"},
	} {
		err := pushcred.CheckP8(tc.data)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "MI") {
			t.Errorf("%s: the error may quote key material: %v", tc.name, err)
		}
	}
}

func TestServiceAccount(t *testing.T) {
	id, err := pushcred.ServiceAccount([]byte(`{"type":"service_account","project_id":"my-project","private_key":"SECRET"}`))
	if err != nil || id != "my-project" {
		t.Fatalf("got %q, %v", id, err)
	}
	for _, tc := range []struct{ data, want string }{
		{`{"type":`, "not JSON"},
		{`null`, "not JSON"},
		{`["x"]`, "not JSON"},
		{`{"project_id":"p","private_key":"SECRET"}`, `want "type": "service_account"`},
		{`{"type":"authorized_user","project_id":"p"}`, `want "type": "service_account"`},
		{`{"type":"service_account","private_key":"SECRET"}`, `no "project_id"`},
		{`{"type":"service_account","project_id":""}`, `no "project_id"`},
		{`{"type":"service_account","project_id":42}`, `no "project_id"`},
	} {
		_, err := pushcred.ServiceAccount([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.data, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: the error quotes the file: %v", tc.data, err)
		}
	}
}
