package queuescli

import (
	"testing"

	"github.com/ably/ably-suite/pkg/control"
)

func TestMaskQueue(t *testing.T) {
	var q control.Queue
	q.AMQP.URI = "amqps://app.key:secret@us-east-1-a-queue.ably.io:5671/shared"
	q.STOMP.URI = "stomp://us-east-1-a-queue.ably.io:61614"
	m := maskQueue(q)
	if m.AMQP.URI != "amqps://app.key:****@us-east-1-a-queue.ably.io:5671/shared" {
		t.Errorf("AMQP URI %q", m.AMQP.URI)
	}
	if m.STOMP.URI != q.STOMP.URI {
		t.Errorf("STOMP URI changed: %q", m.STOMP.URI)
	}
	if q.AMQP.URI != "amqps://app.key:secret@us-east-1-a-queue.ably.io:5671/shared" {
		t.Error("maskQueue changed its argument")
	}
}

func TestQueueRow(t *testing.T) {
	ready, total := 3.0, 10.0
	q := control.Queue{ID: "a:us-east-1-a:My q", Name: "My q", Region: "us-east-1-a", TTL: 1, MaxLength: 5}
	q.Messages.Ready, q.Messages.Total = &ready, &total
	got := queueRow(q)
	want := []string{"a:us-east-1-a:My q", "My q", "us-east-1-a", "-", "1 minute", "5", "3/10"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d: %q, want %q", i, got[i], want[i])
		}
	}
	q.Messages.Ready = nil
	if got := queueRow(q)[6]; got != "-/10" {
		t.Errorf("unknown count: %q", got)
	}
	r := 1.5
	if rate(&r) != "1.50" || rate(nil) != "-" {
		t.Errorf("rate: %q %q", rate(&r), rate(nil))
	}
}
