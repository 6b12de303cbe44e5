package channelscli

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/internal/live"
	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func annotationsSubscribeCommand() *cli.Command {
	return &cli.Command{
		Name:      "subscribe",
		Usage:     "Receive the annotations of a channel's messages as they are made",
		ArgsUsage: "CHANNEL",
		Description: `Attaches to CHANNEL for annotations and prints each one published (reactions, votes, flags
of its messages), or with --type only those of that type, until Ctrl-C, --duration or
--count annotations. Needs the annotation-subscribe capability.
` + mutableHelp + `
` + realtimeHelp + `

Examples:
   ably channels annotations subscribe chat:general
   ably channels annotations subscribe chat:general --type reaction:distinct.v1 --json`,
		Flags: flags(append(live.LimitFlags("annotations"),
			&cli.StringFlag{Name: "type", Usage: "only annotations of `TYPE`, e.g. reaction:distinct.v1"})...),
		Action: plugin.Action(func(c *cli.Context) (annotationsSubscribeOptions, error) {
			o, err := presenceLiveOptionsOf(c)
			return annotationsSubscribeOptions{presenceLiveOptions: o, Type: c.String("type")}, err
		}, runAnnotationsSubscribe),
	}
}

type annotationsSubscribeOptions struct {
	presenceLiveOptions
	Type string
}

// annotationEventJSON is an annotation received, one JSON record a line.
type annotationEventJSON struct {
	Channel string `json:"channel"`
	annotationJSON
}

func runAnnotationsSubscribe(ctx context.Context, d plugin.Deps, o annotationsSubscribeOptions) error {
	s, err := live.Open(ctx, d, o.Data, "annotation-subscribe", o.Channel)
	if err != nil {
		return err
	}
	count := o.Limits.Counter()
	ch := s.Channel(o.Channel, realtime.ChannelOptions{Modes: proto.FlagAnnotationSubscribe,
		OnAnnotation: func(ev realtime.AnnotationEvent) {
			if o.Type != "" && ev.Type != o.Type {
				return
			}
			a := ev.Annotation
			a.Data, a.Encoding = dataplane.DataJSON(ev.Data, ev.Undecoded, ev.Annotation.Data)
			s.Emit(func() bool {
				if d.Out.IsJSON() {
					_ = d.Out.JSON(annotationEventJSON{Channel: ev.Channel, annotationJSON: toAnnotationJSON(a)})
				} else {
					d.Out.Heading(fmt.Sprintf("[%s] channel %s: message %s", output.OrDash(isoMillis(a.Timestamp)), ev.Channel, output.OrDash(a.MessageSerial)))
					_ = d.Out.Details(append(annotationFields(a), output.Field{Label: "Message serial", Value: output.OrDash(a.MessageSerial)}))
					_ = d.Out.Printf("\n")
				}
				return count.Add()
			})
		}})
	return s.Listen(ctx, o.Limits, fmt.Sprintf("Subscribed to the annotations of channel %q; waiting for annotations", o.Channel), ch)
}
