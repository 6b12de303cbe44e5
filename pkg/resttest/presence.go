package resttest

// Metrics is a channel's occupancy as Ably counts it.
type Metrics struct {
	Connections         int `json:"connections"`
	PresenceConnections int `json:"presenceConnections"`
	PresenceMembers     int `json:"presenceMembers"`
	PresenceSubscribers int `json:"presenceSubscribers"`
	Publishers          int `json:"publishers"`
	Subscribers         int `json:"subscribers"`
	ObjectPublishers    int `json:"objectPublishers"`
	ObjectSubscribers   int `json:"objectSubscribers"`
}

// PresenceMember is a member present on a channel.
type PresenceMember struct {
	ClientID     string
	ConnectionID string // "" gets one made up when entered
	Data         []byte // JSON of the member's data; nil for none
	Encoding     string
}
