package channelscli

import (
	"context"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// realtimeSender publishes over a Realtime connection: each batch one MESSAGE, its ACK
// giving the serials (RTN7); batches are sent without waiting for earlier ACKs, and the
// connection keeps their order, resending after a resume what was not acknowledged (RTN19a).
// Publishing does not attach the channel (RTL6c5).
type realtimeSender struct {
	s  *live.Session
	ch *realtime.Channel
}

func openRealtimeSender(ctx context.Context, d plugin.Deps, c *dataplane.Client, channel string) (*realtimeSender, error) {
	s, err := live.Connect(ctx, d, c)
	if err != nil {
		return nil, err
	}
	return &realtimeSender{s: s, ch: s.Conn.Channel(channel, realtime.ChannelOptions{})}, nil
}

func (r *realtimeSender) send(_ context.Context, batch []dataplane.Message, done func([]*string, error)) {
	msgs := make([]proto.Message, len(batch))
	for i, m := range batch {
		data, encoding, err := wireData(m.Data, m.Encoding)
		if err != nil {
			done(nil, err)
			return
		}
		m.Data, m.Encoding = data, encoding
		msgs[i] = m
	}
	r.ch.PublishAsync(msgs, func(serials []string, err error) {
		if err != nil {
			done(nil, realtime.ExitError(err))
			return
		}
		out := make([]*string, len(serials))
		for i := range serials {
			out[i] = &serials[i]
		}
		done(out, nil)
	})
}

func (r *realtimeSender) close() { r.s.Close(nil) }
