package realtimetest

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/ably/ably-suite/pkg/resttest"
)

// BenchmarkFanOutAmongIdleSessions: the cost of fanning a message out on a channel with one
// attachment while 10,000 other connections are attached elsewhere: what a publish costs on
// an emulator holding many idle connections.
func BenchmarkFanOutAmongIdleSessions(b *testing.B) {
	srv := New()
	defer srv.Close()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	attach := func(id, ch string) {
		ss := &session{id: id, attachments: map[string]*attachment{}}
		srv.sessions[id] = ss
		srv.setAttachmentLocked(ss, ch, &attachment{})
	}
	for i := range 10_000 {
		attach("idle"+strconv.Itoa(i), "idle-"+strconv.Itoa(i))
	}
	attach("hot", "hot")
	msgs := []resttest.Message{{Serial: "x"}}
	b.ResetTimer()
	for range b.N {
		srv.fanOutMessagesLocked(chanRef{"", "hot"}, msgs)
	}
}

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
