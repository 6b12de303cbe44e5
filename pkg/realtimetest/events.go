package realtimetest

import (
	"sync"

	"github.com/ably/ably-suite/pkg/realtime/proto"
	"github.com/ably/ably-suite/pkg/resttest"
)

// eventQueue carries the REST fake's changes, in the order it made them, to the
// dispatcher. push is called with the REST fake's lock held, so it takes only its own.
type eventQueue struct {
	mu     sync.Mutex
	queue  []resttest.Event
	closed bool
	ready  chan struct{} // holds a token while the queue may be non-empty
}

func (q *eventQueue) init() { q.ready = make(chan struct{}, 1) }

func (q *eventQueue) push(e resttest.Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.queue = append(q.queue, e)
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take waits for events and returns them all; ok is false once the queue is closed.
func (q *eventQueue) take() (events []resttest.Event, ok bool) {
	for {
		q.mu.Lock()
		events, q.queue = q.queue, nil
		closed := q.closed
		q.mu.Unlock()
		if len(events) > 0 || closed {
			return events, !closed
		}
		<-q.ready
	}
}

func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// chanRef is a channel of an app: the scope of the app's channels
// (resttest.Server.AppScope) and the channel's name.
type chanRef struct{ scope, name string }

// occupancyTable holds the live counts of each channel for the REST fake's status, which
// reads them with its own lock held; so it has its own lock and nothing else.
type occupancyTable struct {
	mu sync.Mutex
	m  map[chanRef]resttest.Metrics
}

func (o *occupancyTable) init() { o.m = map[chanRef]resttest.Metrics{} }

func (o *occupancyTable) get(scope, channel string) resttest.Metrics {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.m[chanRef{scope, channel}]
}

func (o *occupancyTable) set(ref chanRef, m resttest.Metrics) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if m == (resttest.Metrics{}) {
		delete(o.m, ref)
		return
	}
	o.m[ref] = m
}

// dispatch fans the REST fake's changes out to the connections, one at a time, so each
// channel's messages reach every subscriber in serial order.
func (s *Server) dispatch() {
	defer s.wg.Done()
	for {
		events, ok := s.events.take()
		if !ok {
			return
		}
		s.mu.Lock()
		for _, e := range events {
			ref := chanRef{s.Server.AppScope(e.AppID), e.Channel}
			switch {
			case len(e.Messages) > 0:
				s.fanOutMessagesLocked(ref, e.Messages)
			case len(e.Annotations) > 0:
				s.fanOutAnnotationsLocked(ref, e.Annotations)
			case len(e.Presence) > 0:
				s.fanOutPresenceLocked(ref, e.Presence)
			}
		}
		s.mu.Unlock()
		if s.observe != nil {
			for _, e := range events {
				s.observe(e)
			}
		}
	}
}

// wireMessage is a stored message as a MESSAGE frame carries it (TM2).
func wireMessage(m resttest.Message) proto.Message {
	out := proto.Message{ID: m.ID, ClientID: m.ClientID, ConnectionID: m.ConnectionID, Name: m.Name, Data: m.Data,
		Encoding: m.Encoding, Extras: m.Extras, Timestamp: m.Timestamp, Action: proto.MessageAction(m.Action), Serial: m.Serial}
	if v := m.Version; v != nil {
		out.Version = &proto.MessageVersion{Serial: v.Serial, Timestamp: v.Timestamp, ClientID: v.ClientID, Description: v.Description}
	}
	return out
}

// wirePresence is a stored member or presence change as PRESENCE and SYNC frames carry it.
func wirePresence(p resttest.PresenceMessage) proto.PresenceMessage {
	return proto.PresenceMessage{ID: p.ID, Action: proto.PresenceAction(p.Action), ClientID: p.ClientID,
		ConnectionID: p.ConnectionID, Data: p.Data, Encoding: p.Encoding, Timestamp: p.Timestamp}
}

// wireAnnotation is a stored annotation as ANNOTATION frames carry it (TAN2).
func wireAnnotation(a resttest.Annotation) proto.Annotation {
	out := proto.Annotation{ID: a.ID, Action: proto.AnnotationAction(a.Action), ClientID: a.ClientID, Name: a.Name,
		Data: a.Data, Encoding: a.Encoding, Timestamp: a.Timestamp, Serial: a.Serial, MessageSerial: a.MessageSerial, Type: a.Type}
	if a.Count != nil {
		out.Count = *a.Count
	}
	return out
}
