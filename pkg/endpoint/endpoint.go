// Package endpoint is where the base-URL rules used to live; they are pkg/httpcore's now.
//
// Deprecated: use httpcore.Base. This forwarder keeps callers building until they move.
package endpoint

import (
	"net/url"

	"github.com/ably/ably-suite/pkg/httpcore"
)

// Base is httpcore.Base.
//
// Deprecated: use httpcore.Base.
func Base(what, value, defaultHost, defaultPath string) (*url.URL, error) {
	return httpcore.Base(what, value, defaultHost, defaultPath)
}
