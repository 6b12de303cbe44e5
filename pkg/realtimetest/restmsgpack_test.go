package realtimetest

import (
	"bytes"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// TestRESTMessagePack: a REST client speaking MessagePack publishes binary data, which a
// MessagePack history read gets back as bin and a JSON one as base64; a body that is not
// MessagePack is Ably's 400.
func TestRESTMessagePack(t *testing.T) {
	srv := newServer(t)
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey))
	send := func(method, path, contentType, accept string, body []byte) (int, http.Header, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, b
	}
	msg, _ := msgpack.Marshal([]map[string]any{{"name": "bin", "data": []byte{0, 1, 2, 255}}, {"name": "text", "data": "hello"}})
	if code, h, b := send("POST", "/channels/packed/messages", msgpackType, msgpackType, msg); code != 201 || h.Get("Content-Type") != msgpackType {
		t.Fatalf("publish: %d %s %q", code, h.Get("Content-Type"), b)
	}
	code, h, b := send("GET", "/channels/packed/messages?direction=forwards", "", msgpackType+",application/json", nil)
	if code != 200 || h.Get("Content-Type") != msgpackType {
		t.Fatalf("history: %d %s", code, h.Get("Content-Type"))
	}
	var page []map[string]any
	if err := msgpack.Unmarshal(b, &page); err != nil || len(page) != 2 {
		t.Fatalf("history %x: %v", b, err)
	}
	if d, ok := page[0]["data"].([]byte); !ok || !bytes.Equal(d, []byte{0, 1, 2, 255}) || page[0]["encoding"] != nil {
		t.Errorf("binary over MessagePack: %#v", page[0])
	}
	if page[1]["data"] != "hello" {
		t.Errorf("text over MessagePack: %#v", page[1])
	}
	// ably-js marks a GET's empty body as MessagePack too (channel status).
	if code, h, _ := send("GET", "/channels/packed", msgpackType, msgpackType, nil); code != 200 || h.Get("Content-Type") != msgpackType {
		t.Errorf("a GET with an empty MessagePack body: %d %s", code, h.Get("Content-Type"))
	}
	_, _, b = send("GET", "/channels/packed/messages?direction=forwards", "", "application/json", nil)
	if !strings.Contains(string(b), `"data":"AAEC/w==","encoding":"base64"`) {
		t.Errorf("binary over JSON: %s", b)
	}
	if code, _, b := send("POST", "/channels/packed/messages", msgpackType, "application/json", []byte{0xc1}); code != 400 || !strings.Contains(string(b), `"code":40000`) {
		t.Errorf("a body that is not MessagePack: %d %s", code, b)
	}
}
