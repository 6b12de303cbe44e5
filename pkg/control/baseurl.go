package control

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ably/ably-suite/pkg/endpoint"
)

// DefaultHost is the Control API's host.
const DefaultHost = "control.ably.net"

// BaseURL turns what the user gave (--control-host, ABLY_CONTROL_HOST or the profile) into
// the API's base URL: "" is the default host; a host name (with an optional port) means
// https://HOST/v1; a full URL is used as the base as it is. Plain http is allowed only to a
// loopback host, so an access token never crosses a network in clear text.
func BaseURL(host string) (*url.URL, error) {
	return endpoint.Base("control host", host, DefaultHost, "/v1")
}

// pathURL joins the base URL and path segments, escaping each segment, so IDs holding
// '/', ':', spaces or '?' stay one segment.
func pathURL(base *url.URL, segments ...string) *url.URL {
	u := *base
	var raw, plain strings.Builder
	raw.WriteString(base.EscapedPath())
	plain.WriteString(base.Path)
	for _, s := range segments {
		raw.WriteString("/" + url.PathEscape(s))
		plain.WriteString("/" + s)
	}
	u.Path, u.RawPath = plain.String(), raw.String()
	return &u
}

// describe is a URL without its query, for messages.
func describe(u *url.URL) string {
	return fmt.Sprintf("%s://%s%s", u.Scheme, u.Host, u.EscapedPath())
}
