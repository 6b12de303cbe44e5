package httpcore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// Resolver looks host names up; *net.Resolver is one, and tests give their own.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// NewTransport returns the transport the clients use: https as Go's default transport does
// it, and plain http only to loopback addresses. For plain http the host is resolved once
// with r (nil: net.DefaultResolver), every address must be loopback, and the dial goes to
// those checked addresses, so a second lookup cannot send the request elsewhere. Plain http
// never goes through a proxy.
func NewTransport(r Resolver) http.RoundTripper {
	if r == nil {
		r = net.DefaultResolver
	}
	secure := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	if def, ok := http.DefaultTransport.(*http.Transport); ok {
		secure = def.Clone()
	}
	plain := secure.Clone()
	plain.Proxy = nil
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	plain.DialContext = loopbackDial(r, d.DialContext)
	return schemeTransport{secure: secure, plain: plain}
}

// schemeTransport sends https with one transport and plain http with the other.
type schemeTransport struct{ secure, plain http.RoundTripper }

func (t schemeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" {
		return t.plain.RoundTrip(req)
	}
	return t.secure.RoundTrip(req)
}

// notLoopbackError is a plain-http host that resolves to an address that is not loopback.
type notLoopbackError struct {
	host string
	addr string // the first address that is not loopback; "" when there is none at all
}

func (e *notLoopbackError) Error() string {
	if e.addr == "" {
		return fmt.Sprintf("plain http to %q refused: the name resolves to no address", e.host)
	}
	return fmt.Sprintf("plain http to %q refused: the name resolves to %s, which is not a loopback address; use https, or http to 127.0.0.1 or ::1",
		e.host, e.addr)
}

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// loopbackDial resolves the host once, refuses it unless every address is loopback, then
// dials the checked addresses in turn.
func loopbackDial(r Resolver, dial dialFunc) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		ips, err := loopbackAddrs(ctx, r, host)
		if err != nil {
			return nil, err
		}
		var errs []error
		for _, ip := range ips {
			conn, err := dial(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return conn, nil
			}
			errs = append(errs, err)
		}
		return nil, errors.Join(errs...)
	}
}

// loopbackAddrs is what host resolves to, when every address is loopback.
func loopbackAddrs(ctx context.Context, r Resolver, host string) ([]net.IP, error) {
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		if !ip.IsLoopback() {
			return nil, &notLoopbackError{host: host, addr: ip.String()}
		}
		return []net.IP{ip}, nil
	}
	addrs, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, &notLoopbackError{host: host}
	}
	ips := make([]net.IP, 0, len(addrs))
	for _, a := range addrs {
		if !a.IP.IsLoopback() {
			return nil, &notLoopbackError{host: host, addr: a.IP.String()}
		}
		ips = append(ips, a.IP)
	}
	return ips, nil
}
