package channelscli

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/output"
)

// messageInput is how a message is given on the command line, as the official CLI reads
// it: a JSON object is a message (its name, data and extras are taken out; without a data
// key the rest of the object is the data), any other JSON value is the data, and text that
// is not JSON is the data as a string. --name and --encoding win over the object's.
type messageInput struct {
	Text     string
	Name     string // --name
	Encoding string // --encoding
}

// templates says whether the text uses {{.Count}} or {{.Timestamp}}.
func (in messageInput) templates() bool {
	return strings.Contains(in.Text, "{{.Count}}") || strings.Contains(in.Text, "{{.Timestamp}}")
}

// message builds the message numbered count (1-based) at now: the templates are replaced
// in the text before it is read, so they work inside JSON strings too.
func (in messageInput) message(count int, now time.Time) dataplane.Message {
	text := strings.ReplaceAll(in.Text, "{{.Count}}", strconv.Itoa(count))
	text = strings.ReplaceAll(text, "{{.Timestamp}}", strconv.FormatInt(now.UnixMilli(), 10))
	m := dataplane.Message{Name: in.Name, Encoding: in.Encoding}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &obj); err != nil || obj == nil {
		if json.Valid([]byte(text)) && strings.TrimSpace(text) != "" {
			m.Data = json.RawMessage(compact(text))
		} else {
			m.Data = jsonString(text)
		}
		return m
	}
	if raw, ok := obj["name"]; ok && m.Name == "" {
		var name string
		if json.Unmarshal(raw, &name) == nil && name != "" {
			m.Name = name
			delete(obj, "name")
		}
	}
	if raw, ok := obj["extras"]; ok {
		var extras map[string]json.RawMessage
		if json.Unmarshal(raw, &extras) == nil && len(extras) > 0 {
			m.Extras = raw
			delete(obj, "extras")
		}
	}
	if raw, ok := obj["data"]; ok {
		m.Data = raw
	} else if len(obj) > 0 {
		b, _ := json.Marshal(obj) // a map of raw JSON values always encodes
		m.Data = b
	}
	return m
}

func compact(text string) []byte {
	var b bytes.Buffer
	if json.Compact(&b, []byte(text)) != nil {
		return []byte(text)
	}
	return b.Bytes()
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // strings always encode
	return b
}

// dataText shows a message's data for people: a string as itself, anything else as JSON.
func dataText(data json.RawMessage) string {
	if len(data) == 0 {
		return "-"
	}
	var s string
	if json.Unmarshal(data, &s) == nil {
		return s
	}
	return string(compact(string(data)))
}

// messageFields are a message's labelled lines in a listing.
func messageFields(m dataplane.Message) []output.Field {
	f := []output.Field{
		{Label: "ID", Value: output.OrDash(m.ID)},
		{Label: "Name", Value: output.OrDash(m.Name)},
		{Label: "Client ID", Value: output.OrDash(m.ClientID)},
		{Label: "Serial", Value: output.OrDash(m.Serial)},
		{Label: "Action", Value: m.Action.String()},
	}
	if m.Version != nil && m.Version.Serial != "" && m.Version.Serial != m.Serial {
		f = append(f, output.Field{Label: "Version", Value: versionText(*m.Version)})
	}
	if m.Encoding != "" {
		f = append(f, output.Field{Label: "Encoding", Value: m.Encoding})
	}
	if len(m.Extras) > 0 {
		f = append(f, output.Field{Label: "Extras", Value: string(compact(string(m.Extras)))})
	}
	return append(f, output.Field{Label: "Data", Value: dataText(m.Data)})
}

func versionText(v dataplane.MessageVersion) string {
	s := v.Serial
	if v.Timestamp != 0 {
		s += " at " + isoMillis(v.Timestamp)
	}
	if v.ClientID != "" {
		s += " by " + v.ClientID
	}
	if v.Description != "" {
		s += ": " + v.Description
	}
	return s
}

// messageJSON is a message in this suite's JSON: the API's fields, the timestamp also in
// RFC 3339, the action by name.
type messageJSON struct {
	dataplane.Message
	Action string `json:"action"`
	Time   string `json:"time,omitempty"`
}

func toJSON(m dataplane.Message) messageJSON {
	j := messageJSON{Message: m, Action: m.Action.String()}
	j.Time = isoMillis(m.Timestamp)
	return j
}

// isoMillis is a time in milliseconds as RFC 3339 UTC with the milliseconds; "" for 0.
func isoMillis(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
