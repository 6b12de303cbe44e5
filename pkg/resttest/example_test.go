package resttest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/ably/ably-suite/pkg/ablyauth"
	"github.com/ably/ably-suite/pkg/resttest"
)

// A test seeds a key, lets the code under test redeem a signed token request, then checks
// what was issued. Here pkg/ablyauth and net/http stand in for the client under test.
func Example() {
	srv := resttest.New()
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: "appId.keyId:secret", Capability: map[string][]string{"chat:*": {"subscribe"}}})

	key, _ := ablyauth.ParseKey("appId.keyId:secret")
	redeem := func(c ablyauth.Capability) {
		tr, _ := ablyauth.NewIssuer().TokenRequest(key, ablyauth.TokenParams{Capability: c, ClientID: "alice", TTL: time.Minute})
		body, _ := json.Marshal(tr)
		res, err := srv.Client().Post(srv.URL+"/keys/appId.keyId/requestToken", "application/json", bytes.NewReader(body))
		if err != nil {
			fmt.Println(err)
			return
		}
		defer res.Body.Close()
		if code := res.Header.Get("x-ably-errorcode"); code != "" {
			fmt.Println(res.StatusCode, "Ably error", code)
			return
		}
		fmt.Println(res.StatusCode)
	}
	redeem(ablyauth.Capability{"chat:room": {"subscribe"}})
	redeem(ablyauth.Capability{"chat:room": {"publish"}}) // beyond the key's capability

	for _, t := range srv.Tokens() {
		fmt.Println(t.KeyName, t.ClientID, t.Capability, t.Expires-t.Issued)
	}
	fmt.Println(len(srv.RequestsMatching(http.MethodPost, "/keys/*/requestToken")), "requests")
	// Output:
	// 200
	// 401 Ably error 40160
	// appId.keyId alice {"chat:room":["subscribe"]} 60000
	// 2 requests
}
