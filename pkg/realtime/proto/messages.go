package proto

import (
	"encoding/json"
	"strconv"
)

// Message is a channel message as a MESSAGE frame carries it (TM2): the JSON fields of the
// REST API's message plus connectionKey. Data stays as it came, encoded per Encoding; Decode
// gives its value.
type Message struct {
	ID            string              `json:"id,omitempty"`            // TM2a
	ClientID      string              `json:"clientId,omitempty"`      // TM2b
	ConnectionID  string              `json:"connectionId,omitempty"`  // TM2c
	ConnectionKey string              `json:"connectionKey,omitempty"` // TM2h: publish on behalf only
	Name          string              `json:"name,omitempty"`          // TM2g
	Data          json.RawMessage     `json:"data,omitempty"`          // TM2d
	Encoding      string              `json:"encoding,omitempty"`      // TM2e
	Extras        json.RawMessage     `json:"extras,omitempty"`        // TM2i: opaque
	Timestamp     int64               `json:"timestamp,omitempty"`     // TM2f: ms since the epoch
	Action        MessageAction       `json:"action,omitempty"`        // TM2j: absent = MESSAGE_CREATE
	Serial        string              `json:"serial,omitempty"`        // TM2r
	Version       *MessageVersion     `json:"version,omitempty"`       // TM2s
	Annotations   *MessageAnnotations `json:"annotations,omitempty"`   // TM2u
}

// Decode gives the message's data with its encoding undone (RSL6, TM3); see Decode.
func (m *Message) Decode(cipher *CipherParams) (Data, string, error) {
	return Decode(m.Data, m.Encoding, cipher)
}

// MessageVersion is the latest version of a mutable message (TM2s).
type MessageVersion struct {
	Serial      string            `json:"serial,omitempty"`      // TM2s1
	Timestamp   int64             `json:"timestamp,omitempty"`   // TM2s2
	ClientID    string            `json:"clientId,omitempty"`    // TM2s3
	Description string            `json:"description,omitempty"` // TM2s4
	Metadata    map[string]string `json:"metadata,omitempty"`    // TM2s5
}

// MessageAnnotations is the annotation summary a message carries (TM2u), kept opaque.
type MessageAnnotations struct {
	Summary json.RawMessage `json:"summary,omitempty"`
}

// MessageAction is what a message does to its serial (TM5).
type MessageAction int

// The message actions of TM5.
const (
	MessageCreate  MessageAction = 0
	MessageUpdate  MessageAction = 1
	MessageDelete  MessageAction = 2
	MessageMeta    MessageAction = 3
	MessageSummary MessageAction = 4
	MessageAppend  MessageAction = 5
)

// String is the name the official SDKs and CLI show: "message.create", ...
func (a MessageAction) String() string {
	switch a {
	case MessageCreate:
		return "message.create"
	case MessageUpdate:
		return "message.update"
	case MessageDelete:
		return "message.delete"
	case MessageMeta:
		return "meta"
	case MessageSummary:
		return "message.summary"
	case MessageAppend:
		return "message.append"
	}
	return "message.action(" + strconv.Itoa(int(a)) + ")"
}

// PresenceMessage is a presence event or member as PRESENCE and SYNC frames carry it (TP3).
type PresenceMessage struct {
	ID           string          `json:"id,omitempty"` // TP3a: connectionId:msgSerial:index
	Action       PresenceAction  `json:"action"`       // TP3b: always written, 0 (ABSENT) means something
	ClientID     string          `json:"clientId,omitempty"`
	ConnectionID string          `json:"connectionId,omitempty"`
	Data         json.RawMessage `json:"data,omitempty"`
	Encoding     string          `json:"encoding,omitempty"`
	Extras       json.RawMessage `json:"extras,omitempty"`
	Timestamp    int64           `json:"timestamp,omitempty"`
}

// MemberKey tells members apart when one clientId is present on several connections
// (TP3h, RTP2).
func (p *PresenceMessage) MemberKey() string {
	return p.ConnectionID + ":" + p.ClientID
}

// Decode gives the presence data with its encoding undone (RSL6, TP4); see Decode.
func (p *PresenceMessage) Decode(cipher *CipherParams) (Data, string, error) {
	return Decode(p.Data, p.Encoding, cipher)
}

// PresenceAction is what a presence message says of its member (TP2).
type PresenceAction int

// The presence actions of TP2.
const (
	PresenceAbsent  PresenceAction = 0
	PresencePresent PresenceAction = 1
	PresenceEnter   PresenceAction = 2
	PresenceLeave   PresenceAction = 3
	PresenceUpdate  PresenceAction = 4
)

// String is the lower-case name the SDKs use: "absent", "present", "enter", "leave",
// "update".
func (a PresenceAction) String() string {
	switch a {
	case PresenceAbsent:
		return "absent"
	case PresencePresent:
		return "present"
	case PresenceEnter:
		return "enter"
	case PresenceLeave:
		return "leave"
	case PresenceUpdate:
		return "update"
	}
	return "presence.action(" + strconv.Itoa(int(a)) + ")"
}

// Annotation is an annotation of a message as ANNOTATION frames carry it (TAN2).
type Annotation struct {
	ID            string           `json:"id,omitempty"`            // TAN2a
	Action        AnnotationAction `json:"action,omitempty"`        // TAN2b: absent = ANNOTATION_CREATE
	ClientID      string           `json:"clientId,omitempty"`      // TAN2c
	Name          string           `json:"name,omitempty"`          // TAN2d
	Count         int              `json:"count,omitempty"`         // TAN2e
	Data          json.RawMessage  `json:"data,omitempty"`          // TAN2f
	Encoding      string           `json:"encoding,omitempty"`      // TAN2g
	Timestamp     int64            `json:"timestamp,omitempty"`     // TAN2h
	Serial        string           `json:"serial,omitempty"`        // TAN2i
	MessageSerial string           `json:"messageSerial,omitempty"` // TAN2j
	Type          string           `json:"type,omitempty"`          // TAN2k, e.g. reaction:distinct.v1
	Extras        json.RawMessage  `json:"extras,omitempty"`        // TAN2l
}

// Decode gives the annotation data with its encoding undone (TAN2f1, TAN3); see Decode.
func (a *Annotation) Decode(cipher *CipherParams) (Data, string, error) {
	return Decode(a.Data, a.Encoding, cipher)
}

// AnnotationAction is whether an annotation is added or removed (TAN2b).
type AnnotationAction int

// The annotation actions of TAN2b.
const (
	AnnotationCreate AnnotationAction = 0
	AnnotationDelete AnnotationAction = 1
)

// String is the name the SDKs show (TAN2b1): "annotation.create", "annotation.delete".
func (a AnnotationAction) String() string {
	switch a {
	case AnnotationCreate:
		return "annotation.create"
	case AnnotationDelete:
		return "annotation.delete"
	}
	return "annotation.action(" + strconv.Itoa(int(a)) + ")"
}
