package control

import (
	"net/url"

	"github.com/ably/ably-suite/pkg/httpcore"
)

// DefaultHost is the Control API's host.
const DefaultHost = "control.ably.net"

// BaseURL turns what the user gave (--control-host, ABLY_CONTROL_HOST or the profile) into
// the API's base URL: "" is the default host; a host name (with an optional port) means
// https://HOST/v1; a full URL is used as the base as it is. Plain http is allowed only to a
// loopback host, so an access token never crosses a network in clear text.
func BaseURL(host string) (*url.URL, error) {
	return httpcore.Base("control host", host, DefaultHost, "/v1")
}
