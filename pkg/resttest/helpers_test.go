package resttest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/resttest/restspec"
)

// reply is a channel route's answer.
type reply struct {
	status int
	header http.Header
	raw    []byte
}

// code is the Ably error code of an error answer (0 for none).
func (r reply) code() int {
	var e ErrorBody
	_ = json.Unmarshal(r.raw, &e)
	return e.Error.Code
}

func (r reply) message() string {
	var e ErrorBody
	_ = json.Unmarshal(r.raw, &e)
	return e.Error.Message
}

// into decodes the answer's body.
func (r reply) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.raw, v); err != nil {
		t.Fatalf("body %s: %v", r.raw, err)
	}
}

// call sends a request with an Authorization header (unless auth is "") and extra headers
// as NAME, VALUE pairs; body is JSON of a value, or []byte as is, or nil for none.
func call(t *testing.T, srv *Server, method, path, auth string, body any, headers ...string) reply {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return reply{status: res.StatusCode, header: res.Header, raw: raw}
}

// basic is the Authorization header of a key.
func basic(key string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(key))
}

// clientIDHeader is X-Ably-ClientId for id (RSA7e2).
func clientIDHeader(id string) []string {
	return []string{"X-Ably-ClientId", base64.StdEncoding.EncodeToString([]byte(id))}
}

// makeJWT signs an Ably JWT with the test's own HMAC code: kid is the key name, claims
// are added as given.
func makeJWT(kid, secret string, claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signed := enc(map[string]string{"alg": "HS256", "typ": "JWT", "kid": kid}) + "." + enc(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signed))
	return signed + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// jwtClaimsFor are the claims of a JWT valid at now for an hour.
func jwtClaimsFor(now time.Time, capability, clientID string) map[string]any {
	c := map[string]any{"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	if capability != "" {
		c["x-ably-capability"] = capability
	}
	if clientID != "" {
		c["x-ably-clientId"] = clientID
	}
	return c
}

// fixedRandom is deterministic randomness for message IDs.
type fixedRandom struct{ n byte }

func (f *fixedRandom) Read(p []byte) (int, error) {
	for i := range p {
		f.n++
		p[i] = f.n
	}
	return len(p), nil
}

// channelServer starts a server at a fixed time with testKey (capability all) and
// deterministic IDs, checked against the spec when it is at hand.
func channelServer(t *testing.T, now *time.Time, opts ...Option) *Server {
	t.Helper()
	opts = append([]Option{WithClock(func() time.Time { return *now }), WithRandom(&fixedRandom{})}, opts...)
	srv := New(opts...)
	t.Cleanup(srv.Close)
	if path, err := restspec.Path(); err == nil {
		spec, err := restspec.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		srv.UseChecker(spec)
		t.Cleanup(func() {
			for _, v := range srv.SpecViolations() {
				t.Errorf("spec violation: %s", v)
			}
		})
	}
	srv.AddKey(Key{Key: testKey})
	return srv
}

func splitKey(key string) (name, secret string) {
	name, secret, _ = strings.Cut(key, ":")
	return name, secret
}

// expectViolations takes the spec violations so far, which the test caused on purpose by
// sending what the spec forbids: each must contain its part, in order (when the spec is
// checked at all).
func expectViolations(t *testing.T, srv *Server, parts ...string) {
	t.Helper()
	if srv.Checker() == nil {
		return
	}
	got := srv.SpecViolations()
	srv.ResetSpecViolations()
	if len(got) != len(parts) {
		t.Fatalf("spec violations %q, want %d containing %q", got, len(parts), parts)
	}
	for i, p := range parts {
		if !strings.Contains(got[i], p) {
			t.Errorf("spec violation %q, want it to contain %q", got[i], p)
		}
	}
}
