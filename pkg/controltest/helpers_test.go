package controltest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/controltest"
)

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the body into v, failing the test if it does not parse.
func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response body %q: %v", r.body, err)
	}
}

// errorBody decodes an Ably error body.
func (r response) errorBody(t *testing.T) controltest.ErrorBody {
	t.Helper()
	var e controltest.ErrorBody
	r.decode(t, &e)
	return e
}

// send makes a request by hand, as a client would: path is below the base URL (and already
// escaped), token "" sends no Authorization header, body "" sends none.
func send(t *testing.T, srv *controltest.Server, token, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return do(t, srv, req)
}

func do(t *testing.T, srv *controltest.Server, req *http.Request) response {
	t.Helper()
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// api sends with the default token.
func api(t *testing.T, srv *controltest.Server, method, path, body string) response {
	t.Helper()
	return send(t, srv, controltest.DefaultToken, method, path, body)
}

// want fails the test unless the response has the status.
func want(t *testing.T, r response, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	return r
}

// newServer starts a server closed at the end of the test.
func newServer(t *testing.T, opts ...controltest.Option) *controltest.Server {
	t.Helper()
	srv := controltest.New(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// osWriteFile writes a file, making its directory.
func osWriteFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}
