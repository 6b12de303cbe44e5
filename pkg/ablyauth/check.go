package ablyauth

import (
	"fmt"
	"strings"
	"time"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Expired reports whether the token has expired at now. A token without exp never does.
func (t JWT) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Check refuses, before anything is sent, a call the token cannot make: an expired token is
// exit 4 with how to get a new one, an operation its capability does not grant on channel
// is exit 5 naming what is missing and what the token does grant. channel "" is a call not
// on one channel (listing channels): some resource must grant each op.
func (t JWT) Check(now time.Time, channel string, ops ...string) error {
	if t.Expired(now) {
		return exitcode.New(exitcode.Auth, "the token expired at %s (%s ago): issue a new one with 'ably auth issue-jwt-token'",
			t.ExpiresAt.UTC().Format(time.RFC3339), ShortDuration(now.Sub(t.ExpiresAt)))
	}
	for _, op := range ops {
		if channel == "" && !t.Capability.AllowsAny(op) {
			return exitcode.New(exitcode.Permission, "the token may not use %s on any channel: it grants %s", op, t.Capability.Summary())
		}
		if channel != "" && !t.Capability.Allows(channel, op) {
			return exitcode.New(exitcode.Permission, "the token may not %s: it grants %s", Doing(op, channel), t.Capability.Summary())
		}
	}
	return nil
}

// Doing words an operation on a channel as a refusal or an answer says it:
// `publish to "chat:1"`, `read the history of "chat:1"`, `message-update-own on "chat:1"`.
func Doing(op, channel string) string {
	q := fmt.Sprintf("%q", channel)
	switch op {
	case "publish":
		return "publish to " + q
	case "subscribe":
		return "subscribe to " + q
	case "history":
		return "read the history of " + q
	case "presence":
		return "enter the presence of " + q
	case "channel-metadata":
		return "read the metadata of " + q
	}
	return op + " on " + q
}

// ShortDuration rounds d to the second and drops zero tails: 5m, 1h2m, 49h, 30s.
func ShortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
