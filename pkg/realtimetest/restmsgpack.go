package realtimetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"

	"github.com/vmihailenco/msgpack/v5"
)

// msgpackType is MessagePack's media type, as Ably's SDKs send and accept it.
const msgpackType = "application/x-msgpack"

// maxRESTBody bounds a MessagePack request body read before translating it.
const maxRESTBody = 16 << 20

// restMsgpack lets REST clients speak MessagePack (Ably's SDKs' default, RSC8): a request
// body sent as application/x-msgpack reaches the REST fake as JSON, binary data (bin) as
// base64 with "base64" appended to its encoding, as RSL4c has the JSON protocol carry it;
// and a client that accepts application/x-msgpack gets the fake's JSON answer back as
// MessagePack, base64 data turned into bin again. The REST fake, its log and its spec check
// see only JSON. A body that is not MessagePack gets Ably's 400 (40000).
func restMsgpack(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isMsgpack(r.Header.Get("Content-Type")) {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxRESTBody+1))
			if err == nil && len(body) > maxRESTBody {
				err = errors.New("the body is larger than 16 MiB")
			}
			var text []byte
			if err == nil && len(body) > 0 { // an SDK marks even a GET's empty body as MessagePack
				text, err = msgpackToJSON(body)
			}
			if err != nil {
				writeRESTError(w, "the request body is not MessagePack: "+err.Error())
				return
			}
			r = r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(text))
			r.ContentLength = int64(len(text))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Content-Length", strconv.Itoa(len(text)))
			if len(text) == 0 {
				r.Header.Del("Content-Type")
			}
		}
		if !acceptsMsgpack(r.Header.Get("Accept")) {
			next.ServeHTTP(w, r)
			return
		}
		r.Header.Set("Accept", "application/json")
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		res := rec.Result()
		body := rec.Body.Bytes()
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") && len(body) > 0 {
			if packed, err := jsonToMsgpack(body); err == nil {
				body = packed
				w.Header().Set("Content-Type", msgpackType)
				w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			}
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(body)
	})
}

func isMsgpack(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == msgpackType
}

// acceptsMsgpack: an Accept header whose first choice is MessagePack, as Ably's SDKs send it
// with the binary protocol.
func acceptsMsgpack(accept string) bool {
	first, _, _ := strings.Cut(accept, ",")
	mt, _, _ := mime.ParseMediaType(strings.TrimSpace(first))
	return mt == msgpackType
}

// msgpackToJSON translates a MessagePack request body into JSON: bin data of any object
// with "data" becomes base64 with its encoding extended.
func msgpackToJSON(b []byte) ([]byte, error) {
	if err := checkMsgpack(b); err != nil {
		return nil, err
	}
	v, err := msgpack.NewDecoder(bytes.NewReader(b)).DecodeInterface()
	if err != nil {
		return nil, err
	}
	walkItems(v, binaryIn)
	return json.Marshal(v)
}

// jsonToMsgpack translates a JSON answer into MessagePack: base64 data becomes bin again.
func jsonToMsgpack(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	walkItems(v, binaryOut)
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.SetSortMapKeys(true)
	enc.UseCompactInts(true)
	enc.UseCompactFloats(true)
	if err := enc.Encode(fromJSON(v)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// walkItems calls f on every object of v that has a "data" member (a message, a presence
// message, an annotation), at any depth.
func walkItems(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["data"]; ok {
			f(x)
		}
		for _, e := range x {
			walkItems(e, f)
		}
	case []any:
		for _, e := range x {
			walkItems(e, f)
		}
	}
}

// writeRESTError answers 400 with Ably's error body (40000).
func writeRESTError(w http.ResponseWriter, message string) {
	body, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "code": 40000, "statusCode": 400,
		"href": "https://help.ably.io/error/40000"}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Ably-Errorcode", "40000")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(body)
}
