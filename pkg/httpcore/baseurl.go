package httpcore

import (
	"net"
	"net/url"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Base returns the base URL for value, what a user gave for a service: "" is defaultHost; a
// host name (with an optional port) means https://HOST followed by defaultPath; a full URL is
// used as the base as it is. Plain http is accepted only to a loopback IP address or the name
// localhost, so credentials never cross a network in clear text; the dial checks again, on
// the addresses the name resolves to (NewTransport). what names the setting in errors, e.g.
// "control host".
func Base(what, value, defaultHost, defaultPath string) (*url.URL, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		value = defaultHost
	}
	example := "https://" + defaultHost + defaultPath
	raw := value
	if !strings.Contains(value, "://") {
		if strings.ContainsAny(value, "/?#@ ") {
			return nil, exitcode.Usagef("%s %q is not a host name: give a name such as %s, or a full URL such as %s", what, value, defaultHost, example)
		}
		raw = "https://" + value + defaultPath
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, exitcode.Usagef("%s %q is not a valid URL: give a host name, or a URL such as %s", what, value, example)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopbackName(u.Hostname()) {
			return nil, exitcode.Usagef("%s %q uses plain http: only https is allowed, except to a loopback address (127.0.0.1, ::1, localhost)", what, value)
		}
	default:
		return nil, exitcode.Usagef("%s %q: the scheme must be https (or http to a loopback address)", what, value)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, exitcode.Usagef("%s %q must not carry credentials, a query or a fragment", what, value)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// loopbackName reports whether host may be given for plain http: localhost, or a loopback
// IP address. It is the first check only: what the name resolves to is checked at the dial.
func loopbackName(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
