package ablyauth

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// NoClientID asks for no client ID. It is matched in any case ("None", "NONE"), as the
// official CLI matches it, so a habit carried over from there means the same here.
const NoClientID = "none"

// WildcardClientID in a token lets its holder act as any client ID (RSA7b: "*").
const WildcardClientID = "*"

// ClientID turns the client ID asked for into the one a token or request carries: ""
// generates ably-cli-<8 hex> from rnd, NoClientID (any case) is none, anything else is itself.
func ClientID(asked string, rnd io.Reader) (string, error) {
	switch {
	case NoClientIDAsked(asked):
		return "", nil
	case asked == "":
		var b [4]byte
		if _, err := io.ReadFull(rnd, b[:]); err != nil {
			return "", fmt.Errorf("generating a client ID: %w", err)
		}
		return "ably-cli-" + hex.EncodeToString(b[:]), nil
	}
	return asked, nil
}

// NoClientIDAsked reports that asked is NoClientID, in any case.
func NoClientIDAsked(asked string) bool { return strings.EqualFold(asked, NoClientID) }
