package dataplane

import (
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
)

// idBaseBytes is how much randomness an idempotent ID's base has: RSL1k1 asks for at least
// 9 bytes, which keeps collisions out of reach for any number of publishes.
const idBaseBytes = 9

// MessageIDs makes the idempotent IDs of a run's messages (RSL1k1): one random base,
// then ":" and each message's index, so a publish retried is recognised and stored once.
type MessageIDs struct{ base string }

// NewMessageIDs draws a new base from rnd.
func NewMessageIDs(rnd io.Reader) (MessageIDs, error) {
	var b [idBaseBytes]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return MessageIDs{}, fmt.Errorf("generating message IDs: %w", err)
	}
	return MessageIDs{base: base64.RawURLEncoding.EncodeToString(b[:])}, nil
}

// ID is the ID of the message at index.
func (m MessageIDs) ID(index int) string { return m.base + ":" + strconv.Itoa(index) }
