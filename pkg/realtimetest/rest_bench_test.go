package realtimetest

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"testing"

	"github.com/ably/ably-suite/pkg/resttest"
)

// BenchmarkRESTPublishThroughThePort: a REST publish through the port both planes share,
// on one kept-alive connection, as an SDK sends them.
func BenchmarkRESTPublishThroughThePort(b *testing.B) {
	srv := New()
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: testKey})
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey))
	client := &http.Client{Transport: &http.Transport{}}
	body := []byte(`{"name":"n","data":"hello"}`)
	b.ResetTimer()
	for range b.N {
		req, _ := http.NewRequest("POST", srv.URL+"/channels/bench/messages", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			b.Fatalf("publish: %d", res.StatusCode)
		}
	}
}
