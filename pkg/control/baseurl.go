package control

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// DefaultHost is the Control API's host.
const DefaultHost = "control.ably.net"

// BaseURL turns what the user gave (--control-host, ABLY_CONTROL_HOST or the profile) into
// the API's base URL: "" is the default host; a host name (with an optional port) means
// https://HOST/v1; a full URL is used as the base as it is. Plain http is allowed only to a
// loopback host, so an access token never crosses a network in clear text.
func BaseURL(host string) (*url.URL, error) {
	host = strings.TrimSpace(host)
	if host == "" {
		host = DefaultHost
	}
	raw := host
	if !strings.Contains(host, "://") {
		if strings.ContainsAny(host, "/?#@ ") {
			return nil, exitcode.Usagef("control host %q is not a host name: give a name such as control.ably.net, or a full URL such as https://control.example.com/v1", host)
		}
		raw = "https://" + host + "/v1"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, exitcode.Usagef("control host %q is not a valid URL: give a host name, or a URL such as https://control.example.com/v1", host)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, exitcode.Usagef("control host %q uses plain http: only https is allowed, except to a loopback address (127.0.0.1, ::1, localhost)", host)
		}
	default:
		return nil, exitcode.Usagef("control host %q: the scheme must be https (or http to a loopback address)", host)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, exitcode.Usagef("control host %q must not carry credentials, a query or a fragment", host)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// endpoint joins the base URL and path segments, escaping each segment, so IDs holding
// '/', ':', spaces or '?' stay one segment.
func endpoint(base *url.URL, segments ...string) *url.URL {
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
