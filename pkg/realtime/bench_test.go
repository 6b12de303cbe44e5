package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// BenchmarkReceive is the client's cost of one message received: the frame parsed, the
// message completed and decoded, handed to the subscriber.
func BenchmarkReceive(b *testing.B) {
	svc := newService(b)
	u, _ := url.Parse("https://rt.example")
	got := make(chan struct{}, 1024)
	opts := Options{Endpoint: u, Key: "app.key:secret", Dialer: svc.dialer(), Rand: zeros{}}
	done := make(chan *Conn)
	go func() {
		c, err := Connect(context.Background(), opts)
		if err != nil {
			panic(err)
		}
		done <- c
	}()
	a := <-svc.dials
	a.connected("c", "k", "")
	c := <-done
	defer c.Abort()
	ch := c.Channel("bench", ChannelOptions{OnMessage: func(MessageEvent) { got <- struct{}{} }})
	go ch.Attach(context.Background())
	<-a.end.in
	a.send(proto.ProtocolMessage{Action: proto.ActionAttached, Channel: "bench"})
	frame := func(i int) []byte {
		b, _ := json.Marshal(proto.ProtocolMessage{Action: proto.ActionMessage, Channel: "bench", ID: fmt.Sprintf("x:%d", i),
			ConnectionID: "x", Timestamp: 1700000000000, ChannelSerial: fmt.Sprintf("s%d", i),
			Messages: []proto.Message{{Name: "reading", Data: json.RawMessage(`"{\"n\":1,\"text\":\"hello world\"}"`), Encoding: "json"}}})
		return b
	}
	frames := make([][]byte, 256)
	for i := range frames {
		frames[i] = frame(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for i := 0; i < b.N; i++ {
			a.end.out <- frames[i%len(frames)]
		}
	}()
	for i := 0; i < b.N; i++ {
		<-got
	}
}
