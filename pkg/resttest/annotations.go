package resttest

import "encoding/json"

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
