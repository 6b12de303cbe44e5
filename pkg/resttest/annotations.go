package resttest

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Annotation is an annotation of a message, as stored and answered.
type Annotation struct {
	ID            string          `json:"id"`
	Action        int             `json:"action"` // 0 create, 1 delete
	Type          string          `json:"type"`
	Name          string          `json:"name,omitempty"`
	ClientID      string          `json:"clientId,omitempty"`
	Count         *int            `json:"count,omitempty"`
	Data          json.RawMessage `json:"data,omitempty"`
	Encoding      string          `json:"encoding,omitempty"`
	Serial        string          `json:"serial"`
	MessageSerial string          `json:"messageSerial"`
	Timestamp     int64           `json:"timestamp"`
}

// wireAnnotation is an annotation as a client publishes it.
type wireAnnotation struct {
	ID       string          `json:"id"`
	Action   *int            `json:"action"`
	Type     string          `json:"type"`
	Name     string          `json:"name"`
	ClientID string          `json:"clientId"`
	Count    *int            `json:"count"`
	Data     json.RawMessage `json:"data"`
	Encoding string          `json:"encoding"`
}

// Annotations returns the annotations of a message, oldest first.
func (a AppChannels) Annotations(channel, messageSerial string) []Annotation {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	ch := a.s.channelLocked(a.app, channel, false)
	if ch == nil {
		return nil
	}
	return cloneAnnotations(ch.annotations[messageSerial])
}

func cloneAnnotations(in []Annotation) []Annotation {
	if in == nil {
		return nil
	}
	out := make([]Annotation, len(in))
	for i, a := range in {
		a.Data = cloneRaw(a.Data)
		if a.Count != nil {
			n := *a.Count
			a.Count = &n
		}
		out[i] = a
	}
	return out
}

// publishAnnotations answers POST /channels/{channel}/messages/{serial}/annotations: an
// annotation or an array of them, each with a type, action 0 (create, the default) or 1
// (delete); the client ID rule is a message's. An ID the message's annotations hold
// already is not stored again. The answer is 201 {}.
func (s *Server) publishAnnotations(w http.ResponseWriter, r *http.Request) {
	who, channel, serial, aerr := s.messageTarget(r, "annotation-publish")
	if aerr != nil {
		aerr.write(w)
		return
	}
	in, aerr := decodeOneOrMany[wireAnnotation](readBody(r), "annotation")
	if aerr == nil {
		aerr = s.annotate(who, channel, serial, in)
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	writeJSON(w, http.StatusCreated, struct{}{})
}

// annotate checks annotations of the message with serial on channel (which must exist)
// and stores them, skipping IDs stored already; the caller checked capability and rule.
func (s *Server) annotate(who caller, channel, serial string, in []wireAnnotation) *apiError {
	if len(in) == 0 {
		return badParam("no annotations to publish: give at least one")
	}
	out := make([]Annotation, len(in))
	for i, a := range in {
		action := 0
		if a.Action != nil {
			action = *a.Action
		}
		var aerr *apiError
		switch {
		case action != 0 && action != 1:
			aerr = badParam("annotation %d: action must be 0 (create) or 1 (delete)", i)
		case a.Type == "":
			aerr = badParam("annotation %d: type is required, such as \"reaction:distinct.v1\"", i)
		case a.Count != nil && *a.Count < 0:
			aerr = badParam("annotation %d: count must not be negative", i)
		case a.ClientID == "*":
			aerr = badParam("annotation %d: clientId \"*\" is not a client ID", i)
		case a.ClientID != "" && who.clientID != "" && who.clientID != "*" && a.ClientID != who.clientID:
			aerr = newError(http.StatusBadRequest, CodeMismatchedClientID, "mismatched clientId: annotation %d has clientId %s but the request's client ID is %s", i, quote(a.ClientID), quote(who.clientID))
		}
		if aerr != nil {
			return aerr
		}
		if a.ClientID == "" && who.clientID != "*" {
			a.ClientID = who.clientID
		}
		out[i] = Annotation{ID: a.ID, Action: action, Type: a.Type, Name: a.Name, ClientID: a.ClientID, Count: a.Count,
			Encoding: a.Encoding, MessageSerial: serial}
		if len(a.Data) > 0 && string(a.Data) != "null" {
			out[i].Data = a.Data
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(who.appID(), channel, false)
	if ch == nil || ch.find(serial) < 0 {
		return newError(http.StatusNotFound, CodeNotFound, "no message with serial %s on channel %s", quote(serial), quote(channel))
	}
	base, err := s.randomIDLocked()
	if err != nil {
		return newError(http.StatusInternalServerError, CodeInternal, "%v", err)
	}
	now := s.now().UnixMilli()
	have := map[string]bool{}
	for _, a := range ch.annotations[serial] {
		have[a.ID] = true
	}
	var fresh []Annotation
	for i, a := range out {
		if a.ID == "" {
			a.ID = base + ":" + strconv.Itoa(i)
		}
		if have[a.ID] {
			continue
		}
		have[a.ID] = true
		a.Serial, a.Timestamp = ch.serialFor(now), now
		ch.annotations[serial] = append(ch.annotations[serial], a)
		fresh = append(fresh, a)
	}
	if len(fresh) > 0 {
		s.observeLocked(Event{AppID: who.appID(), Channel: channel, Annotations: fresh})
	}
	return nil
}

// getAnnotations answers GET /channels/{channel}/messages/{serial}/annotations: the
// message's annotations, oldest first, a page at a time.
func (s *Server) getAnnotations(w http.ResponseWriter, r *http.Request) {
	who, channel, serial, aerr := s.messageTarget(r, "annotation-subscribe")
	limit, from := 0, 0
	if aerr == nil {
		limit, from, aerr = readOffset(r.URL.Query())
	}
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	all := cloneAnnotations(s.channelLocked(who.appID(), channel, false).annotations[serial])
	s.mu.Unlock()
	writeOffsetPage(w, r, all, limit, from)
}
