package proto

import "strconv"

// Action is the kind of a ProtocolMessage (TR2). The numbers are fixed by the protocol.
type Action int

// The actions of TR2, in protocol order.
const (
	ActionHeartbeat    Action = 0
	ActionAck          Action = 1
	ActionNack         Action = 2
	ActionConnect      Action = 3
	ActionConnected    Action = 4
	ActionDisconnect   Action = 5
	ActionDisconnected Action = 6
	ActionClose        Action = 7
	ActionClosed       Action = 8
	ActionError        Action = 9
	ActionAttach       Action = 10
	ActionAttached     Action = 11
	ActionDetach       Action = 12
	ActionDetached     Action = 13
	ActionPresence     Action = 14
	ActionMessage      Action = 15
	ActionSync         Action = 16
	ActionAuth         Action = 17
	ActionActivate     Action = 18
	ActionObject       Action = 19
	ActionObjectSync   Action = 20
	ActionAnnotation   Action = 21
)

// String is the TR2 name of the action, for logs; an action this package does not know
// reads ACTION(n), so a newer server's frame is still logged.
func (a Action) String() string {
	switch a {
	case ActionHeartbeat:
		return "HEARTBEAT"
	case ActionAck:
		return "ACK"
	case ActionNack:
		return "NACK"
	case ActionConnect:
		return "CONNECT"
	case ActionConnected:
		return "CONNECTED"
	case ActionDisconnect:
		return "DISCONNECT"
	case ActionDisconnected:
		return "DISCONNECTED"
	case ActionClose:
		return "CLOSE"
	case ActionClosed:
		return "CLOSED"
	case ActionError:
		return "ERROR"
	case ActionAttach:
		return "ATTACH"
	case ActionAttached:
		return "ATTACHED"
	case ActionDetach:
		return "DETACH"
	case ActionDetached:
		return "DETACHED"
	case ActionPresence:
		return "PRESENCE"
	case ActionMessage:
		return "MESSAGE"
	case ActionSync:
		return "SYNC"
	case ActionAuth:
		return "AUTH"
	case ActionActivate:
		return "ACTIVATE"
	case ActionObject:
		return "OBJECT"
	case ActionObjectSync:
		return "OBJECT_SYNC"
	case ActionAnnotation:
		return "ANNOTATION"
	}
	return "ACTION(" + strconv.Itoa(int(a)) + ")"
}

// ParseAction is the inverse of String for the TR2 names (as a log or a test script writes
// them); ok is false for any other name.
func ParseAction(name string) (a Action, ok bool) {
	for a := ActionHeartbeat; a <= ActionAnnotation; a++ {
		if a.String() == name {
			return a, true
		}
	}
	return 0, false
}

// carriesMsgSerial reports whether msgSerial means something for this action: the
// messages a client must number (RTN7b) and the ACK/NACK that answer them. For those a
// msgSerial of 0 is a real serial and must be written.
func (a Action) carriesMsgSerial() bool {
	switch a {
	case ActionAck, ActionNack, ActionMessage, ActionPresence, ActionAnnotation, ActionObject:
		return true
	}
	return false
}
