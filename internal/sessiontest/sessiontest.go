// Package sessiontest gives run tests of Control API commands the session settings that
// point at a fake Control API, in one place.
package sessiontest

import (
	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/session"
)

// Settings are a command's session settings for srv with its default token, and app
// (a name or an ID; "" for none).
func Settings(srv *controltest.Server, app string) session.Settings {
	return session.Settings{Flags: resolve.Flags{AccessToken: controltest.DefaultToken, ControlHost: srv.URL, App: app}}
}
