// Package pushcredtest makes push credential files for tests: a minimal PKCS#12 file and
// APNs-style signing keys. None of them is a working credential.
package pushcredtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
)

// oidData is PKCS#7 data (RFC 2315), the content type of a PFX's authSafe.
var oidData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}

type pfx struct {
	Version  int
	AuthSafe contentInfo
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     []byte `asn1:"explicit,tag:0"`
}

// PFX is a minimal DER PKCS#12 file: PFX { version 3, authSafe ContentInfo { data, [0]
// OCTET STRING } } with an empty list of safe contents and no MAC. It passes
// pushcred.CheckPKCS12; nothing could open it as a certificate.
func PFX() []byte {
	// AuthenticatedSafe ::= SEQUENCE OF ContentInfo, empty here: 30 00.
	der, err := asn1.Marshal(pfx{Version: 3, AuthSafe: contentInfo{ContentType: oidData, Content: []byte{0x30, 0x00}}})
	if err != nil {
		panic(err)
	}
	return der
}

// P8 is a new APNs-style token signing key: a PEM "PRIVATE KEY" block holding a PKCS#8
// P-256 ECDSA key, as Apple's developer portal gives it in a .p8 file.
func P8() []byte {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return pkcs8PEM(key)
}

// RSAP8 is a PKCS#8 "PRIVATE KEY" PEM block holding an RSA key: the right shape, the wrong
// kind of key for APNs.
func RSAP8() []byte {
	key, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // a test fixture, never used to sign
	if err != nil {
		panic(err)
	}
	return pkcs8PEM(key)
}

func pkcs8PEM(key any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
