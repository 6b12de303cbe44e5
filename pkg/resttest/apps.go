package resttest

// WithSeparateApps keeps each app's channels apart, as Ably does: a channel's messages,
// presence and status are those its app's keys and tokens made, and another app's channel
// of the same name is another channel. Without it, the server keeps one set of channels
// for every app, which is what a test of one app wants and what the Server's own channel
// methods (Publish, Messages, Presence, ...) reach; with it, reach an app's channels with
// App.
func WithSeparateApps() Option {
	return func(s *Server) { s.separateApps = true }
}

// AppScope is the scope an app's channels are kept in: the app's ID on a server made
// WithSeparateApps, else "" for every app.
func (s *Server) AppScope(appID string) string {
	if !s.separateApps {
		return ""
	}
	return appID
}

// AppChannels is the server's channels as an app's keys see them (see WithSeparateApps):
// the same methods as the Server's own, which are those of App("").
type AppChannels struct {
	s   *Server
	app string
}

// App is the channels of appID.
func (s *Server) App(appID string) AppChannels { return AppChannels{s: s, app: appID} }

// Publish stores messages on a channel of app "" (see AppChannels.Publish).
func (s *Server) Publish(channel string, msgs ...Message) []Message {
	return s.App("").Publish(channel, msgs...)
}

// Messages returns the messages of a channel of app "" (see AppChannels.Messages).
func (s *Server) Messages(channel string) []Message { return s.App("").Messages(channel) }

// Message returns a message of a channel of app "" by serial (see AppChannels.Message).
func (s *Server) Message(channel, serial string) (Message, bool) {
	return s.App("").Message(channel, serial)
}

// Annotations returns the annotations of a message of a channel of app "" (see
// AppChannels.Annotations).
func (s *Server) Annotations(channel, messageSerial string) []Annotation {
	return s.App("").Annotations(channel, messageSerial)
}

// EnterPresence makes a member present on a channel of app "" (see
// AppChannels.EnterPresence).
func (s *Server) EnterPresence(channel string, m PresenceMember) PresenceMessage {
	return s.App("").EnterPresence(channel, m)
}

// LeavePresence removes a member from a channel of app "" (see AppChannels.LeavePresence).
func (s *Server) LeavePresence(channel, clientID, connectionID string) (PresenceMessage, bool) {
	return s.App("").LeavePresence(channel, clientID, connectionID)
}

// Presence returns the members present on a channel of app "" (see AppChannels.Presence).
func (s *Server) Presence(channel string) []PresenceMessage { return s.App("").Presence(channel) }

// SetOccupancy seeds the occupancy of a channel of app "" (see AppChannels.SetOccupancy).
func (s *Server) SetOccupancy(channel string, m Metrics) { s.App("").SetOccupancy(channel, m) }

// Status returns the status of a channel of app "" (see AppChannels.Status).
func (s *Server) Status(channel string) ChannelDetails { return s.App("").Status(channel) }
