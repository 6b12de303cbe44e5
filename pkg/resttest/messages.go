package resttest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// MaxMessageSize is the most message data one publish may carry (Ably's default limit):
// the sum over its messages of name, data, clientId and extras.
const MaxMessageSize = 64 << 10

// Message actions (the action field of a stored message).
const (
	ActionCreate = 0
	ActionUpdate = 1
	ActionDelete = 2
	ActionAppend = 5
)

// Message is a message as the server stores and answers it.
type Message struct {
	ID           string          `json:"id"`
	Name         string          `json:"name,omitempty"`
	Data         json.RawMessage `json:"data,omitempty"` // any JSON value; absent when nil
	Encoding     string          `json:"encoding,omitempty"`
	ClientID     string          `json:"clientId,omitempty"`
	ConnectionID string          `json:"connectionId,omitempty"`
	Timestamp    int64           `json:"timestamp"` // ms since the epoch
	Serial       string          `json:"serial"`
	Action       int             `json:"action"`
	Extras       json.RawMessage `json:"extras,omitempty"` // a JSON object; absent when nil
	// Version is the latest version of a message changed since it was published; nil
	// for one never changed.
	Version *MessageVersion `json:"version,omitempty"`
}

// MessageVersion describes the latest change to a message.
type MessageVersion struct {
	Serial      string          `json:"serial"`
	Timestamp   int64           `json:"timestamp"`
	ClientID    string          `json:"clientId,omitempty"`
	Description string          `json:"description,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
}

// wireMessage is a message as a client publishes it; other fields are ignored, as Ably
// ignores what it sets itself.
type wireMessage struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Data     json.RawMessage `json:"data"`
	Encoding string          `json:"encoding"`
	ClientID string          `json:"clientId"`
	Extras   json.RawMessage `json:"extras"`
}

// PublishResult is the answer to a publish: the ID prefix of its messages and their
// serials, in order.
type PublishResult struct {
	Channel   string   `json:"channel"`
	MessageID string   `json:"messageId"`
	Serials   []string `json:"serials"`
}

// decodeOneOrMany reads a JSON object or an array of them into a slice.
func decodeOneOrMany[T any](body []byte, what string) ([]T, *apiError) {
	body = bytes.TrimSpace(body)
	var out []T
	var err error
	switch {
	case len(body) == 0:
		return nil, newError(400, CodeBadRequest, "the body is empty: send a %s or an array of them as JSON", what)
	case body[0] == '[':
		err = json.Unmarshal(body, &out)
	default:
		var one T
		err = json.Unmarshal(body, &one)
		out = []T{one}
	}
	if err != nil {
		return nil, newError(400, CodeBadRequest, "the body is not a %s or an array of them: %s", what, jsonProblem(err))
	}
	return out, nil
}

// jsonProblem says what encoding/json found wrong without Go's type names.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "the value"
		}
		return fmt.Sprintf("%s must not be a JSON %s", field, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// prepare checks messages to publish on channel for the caller: the publish capability,
// each message's clientId against the caller's (RSA7, 40012), the size limit (40009) and
// the shape of data and extras; it returns them with the caller's client ID filled in.
func (c caller) prepare(channel string, in []wireMessage) ([]Message, *apiError) {
	if len(in) == 0 {
		return nil, badParam("no messages to publish: give at least one")
	}
	if aerr := c.authorize("publish", channel); aerr != nil {
		return nil, aerr
	}
	out := make([]Message, 0, len(in))
	size := 0
	for i, w := range in {
		m := Message{ID: w.ID, Name: w.Name, Encoding: w.Encoding, ClientID: w.ClientID}
		if len(w.Data) > 0 && string(w.Data) != "null" {
			m.Data = w.Data
		}
		if len(w.Extras) > 0 && string(w.Extras) != "null" {
			if w.Extras[0] != '{' {
				return nil, badParam("message %d: extras must be a JSON object", i)
			}
			m.Extras = w.Extras
		}
		switch {
		case m.ClientID == "*":
			return nil, badParam("message %d: clientId \"*\" is not a client ID", i)
		case m.ClientID == "" && c.clientID != "*":
			m.ClientID = c.clientID
		case m.ClientID != "" && c.clientID != "" && c.clientID != "*" && m.ClientID != c.clientID:
			return nil, newError(400, CodeMismatchedClientID,
				"mismatched clientId: message %d has clientId %s but the request's client ID is %s", i, quote(m.ClientID), quote(c.clientID))
		}
		size += messageSize(m)
		out = append(out, m)
	}
	if size > MaxMessageSize {
		return nil, newError(400, CodeMessageTooLarge,
			"maximum message length exceeded: the messages carry %d bytes, at most %d are allowed", size, MaxMessageSize)
	}
	return out, nil
}

// messageSize is what a message counts against MaxMessageSize: its name, clientId,
// extras, and data (a string's characters, any other value's JSON).
func messageSize(m Message) int {
	n := len(m.Name) + len(m.ClientID) + len(m.Extras)
	var text string
	if json.Unmarshal(m.Data, &text) == nil {
		return n + len(text)
	}
	return n + len(m.Data)
}

// storeLocked stores prepared messages on a channel at the server's time (or their own
// timestamp when set), giving those without an ID baseID:INDEX. A message whose ID the
// channel has stored already is not stored again (RSL1k): its serial is the stored one.
// The caller holds s.mu.
func (s *Server) storeLocked(appID, channel string, msgs []Message, baseID string) []Message {
	ch := s.channelLocked(appID, channel, true)
	now := s.now().UnixMilli()
	defer ch.forget(s.keptFrom(appID, channel, now))
	out := make([]Message, 0, len(msgs))
	var fresh []Message // those stored now, for the observer
	for i, m := range msgs {
		if m.ID == "" {
			m.ID = baseID + ":" + strconv.Itoa(i)
		}
		if serial, dup := ch.ids[m.ID]; dup {
			out = append(out, ch.messages[ch.find(serial)])
			continue
		}
		if m.Timestamp == 0 {
			m.Timestamp = now
		}
		m.Serial, m.Action, m.Version = ch.serialFor(m.Timestamp), ActionCreate, nil
		ch.insert(m)
		out = append(out, m)
		fresh = append(fresh, m)
	}
	if len(fresh) > 0 {
		s.observeLocked(Event{AppID: appID, Channel: channel, Messages: fresh})
	}
	return out
}

// messageIDPrefix is the messageId of a publish's answer: its first message's ID without
// the ":INDEX" suffix.
func messageIDPrefix(id string) string {
	if i := strings.LastIndex(id, ":"); i > 0 {
		if _, err := strconv.Atoi(id[i+1:]); err == nil {
			return id[:i]
		}
	}
	return id
}

// Publish stores messages on a channel as a publish would, bypassing credentials,
// capabilities and limits, and returns them as stored. Messages without an ID get a random
// one, without a timestamp the server's time; an ID the channel holds already is not
// stored again.
func (a AppChannels) Publish(channel string, msgs ...Message) []Message {
	s := a.s
	s.mu.Lock()
	defer s.mu.Unlock()
	base, err := s.randomIDLocked()
	if err != nil {
		base = "seed" + strconv.Itoa(len(s.channels))
	}
	return cloneMessages(s.storeLocked(a.app, channel, cloneMessages(msgs), base))
}

// Messages returns the messages stored on a channel, oldest first, each as its latest
// version.
func (a AppChannels) Messages(channel string) []Message {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	ch := a.s.channelLocked(a.app, channel, false)
	if ch == nil {
		return nil
	}
	return cloneMessages(ch.messages)
}

func cloneMessages(in []Message) []Message {
	out := make([]Message, len(in))
	for i, m := range in {
		out[i] = m.clone()
	}
	return out
}

func (m Message) clone() Message {
	m.Data = bytes.Clone(m.Data)
	m.Extras = bytes.Clone(m.Extras)
	if m.Version != nil {
		v := *m.Version
		v.Metadata = bytes.Clone(v.Metadata)
		m.Version = &v
	}
	return m
}

// publish answers POST /channels/{channel}/messages.
func (s *Server) publish(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	who, aerr := s.authenticate(r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	in, aerr := decodeOneOrMany[wireMessage](readBody(r), "message")
	if aerr != nil {
		aerr.write(w)
		return
	}
	msgs, aerr := who.prepare(channel, in)
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	base, err := s.randomIDLocked()
	if err != nil {
		s.mu.Unlock()
		writeError(w, http.StatusInternalServerError, CodeInternal, "%v", err)
		return
	}
	stored := s.storeLocked(who.appID(), channel, msgs, base)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, publishResult(channel, stored))
}

// readBody reads a request's body, which pkg/fakeserver has read in full already.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

func publishResult(channel string, stored []Message) PublishResult {
	res := PublishResult{Channel: channel, MessageID: messageIDPrefix(stored[0].ID), Serials: make([]string, len(stored))}
	for i, m := range stored {
		res.Serials[i] = m.Serial
	}
	return res
}

// history answers GET /channels/{channel}/messages (RSL2): messages between start and end
// (ms, inclusive), newest first unless direction=forwards, limit to a page.
func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	who, aerr := s.authenticate(r)
	if aerr == nil {
		aerr = who.authorize("history", channel)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	q := r.URL.Query()
	limit, aerr := readLimit(q)
	if aerr != nil {
		aerr.write(w)
		return
	}
	backwards := true
	switch d := q.Get("direction"); d {
	case "", "backwards":
	case "forwards":
		backwards = false
	default:
		badParam("direction must be backwards or forwards, not %q", d).write(w)
		return
	}
	start, aerr := readTime(q, "start", 0)
	if aerr == nil {
		var end int64
		end, aerr = readTime(q, "end", s.now().UnixMilli())
		if aerr == nil && start > end {
			aerr = badParam("start (%d) is after end (%d)", start, end)
		}
		if aerr == nil {
			var cursor string
			if cursor, aerr = readCursor(q); aerr == nil {
				start = max(start, s.keptFrom(who.appID(), channel, s.now().UnixMilli()))
				page, next := s.historyPage(who.appID(), channel, start, end, backwards, cursor, limit)
				direction := "backwards"
				if !backwards {
					direction = "forwards"
				}
				setLinks(w, r, limit, next, "direction", direction)
				writeJSON(w, http.StatusOK, page)
				return
			}
		}
	}
	aerr.write(w)
}

// readTime reads a time query parameter in ms since the epoch, def when absent.
func readTime(q url.Values, name string, def int64) (int64, *apiError) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badParam("%s must be a time in milliseconds since the epoch, not %q", name, v)
	}
	return n, nil
}

// historyPage selects a page of an app's channel's messages: those with timestamps in
// [start, end], in the direction asked, from the cursor (a serial) on; next is the serial
// the following page starts at, "" when none remain.
func (s *Server) historyPage(appID, channel string, start, end int64, backwards bool, cursor string, limit int) ([]Message, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	page := []Message{}
	ch := s.channelLocked(appID, channel, false)
	if ch == nil {
		return page, ""
	}
	n := len(ch.messages)
	for k := 0; k < n; k++ {
		i := k
		if backwards {
			i = n - 1 - k
		}
		m := ch.messages[i]
		if m.Timestamp < start || m.Timestamp > end {
			continue
		}
		if cursor != "" && (backwards && m.Serial > cursor || !backwards && m.Serial < cursor) {
			continue
		}
		if len(page) == limit {
			return page, m.Serial
		}
		page = append(page, m.clone())
	}
	return page, ""
}
