package scripttest

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ably/ably-suite/internal/pushcred/pushcredtest"
)

// p12fixtureCmd implements `p12fixture FILE`: it writes a minimal DER PKCS#12 file (a PFX
// header with version 3 and an empty authSafe, see pushcredtest.PFX), which txtar, holding
// text only, cannot carry. It passes the suite's local .p12 check; nothing could open it.
func p12fixtureCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: p12fixture FILE")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), pushcredtest.PFX(), 0o600))
}

// p8fixtureCmd implements `p8fixture [-rsa] FILE`: it writes a new APNs-style signing key, a
// PEM "PRIVATE KEY" block holding a PKCS#8 P-256 ECDSA key (with -rsa an RSA key, the wrong
// kind), so that no private key, however throwaway, is kept in the repository.
func p8fixtureCmd(ts *testscript.TestScript, neg bool, args []string) {
	key := pushcredtest.P8
	if len(args) == 2 && args[0] == "-rsa" {
		key, args = pushcredtest.RSAP8, args[1:]
	}
	if neg || len(args) != 1 {
		ts.Fatalf("usage: p8fixture [-rsa] FILE")
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), key(), 0o600))
}
