package httpcore

import (
	"testing"

	"github.com/ably/ably-suite/pkg/exitcode"
)

func TestBase(t *testing.T) {
	good := map[string]string{
		"":                         "https://api.example/v9",
		"  other.example  ":        "https://other.example/v9",
		"other.example:8443":       "https://other.example:8443/v9",
		"https://other.example/":   "https://other.example",
		"https://e.example/a/b/":   "https://e.example/a/b",
		"http://127.0.0.1:8080":    "http://127.0.0.1:8080",
		"http://localhost:9/v1/":   "http://localhost:9/v1",
		"http://[::1]:9":           "http://[::1]:9",
		"https://proxy.example/v1": "https://proxy.example/v1",
	}
	for in, want := range good {
		u, err := Base("test host", in, "api.example", "/v9")
		if err != nil || u.String() != want {
			t.Errorf("Base(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"http://other.example", "http://10.0.0.1", "ftp://x", "a/b", "https://u:p@x", "https://x?q=1", "https://x#f", "https://", "a b"} {
		if _, err := Base("test host", in, "api.example", "/v9"); exitcode.Of(err) != exitcode.Usage {
			t.Errorf("Base(%q) error %v, want a usage error", in, err)
		}
	}
}
