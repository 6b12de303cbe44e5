package channelscli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

func annotationsCommand() *cli.Command {
	typeHelp := `TYPE is "namespace:summarisation.version", e.g. reaction:distinct.v1; the summarisations
distinct, unique and multiple need --name, and multiple takes --count.`
	return &cli.Command{
		Name:  "annotations",
		Usage: "Annotate messages, read their annotations and follow them",
		Description: `Annotations (reactions, votes, flags) of messages on channels with the mutableMessages rule.

Examples:
   ably channels annotations publish chat:general "$SERIAL" reaction:distinct.v1 --name thumbsup
   ably channels annotations get chat:general "$SERIAL"`,
		Subcommands: []*cli.Command{
			{
				Name:      "publish",
				Usage:     "Annotate a message",
				ArgsUsage: "CHANNEL SERIAL TYPE",
				Description: `Publishes an annotation of TYPE on the message with SERIAL. Needs the annotation-publish
capability. ` + typeHelp + `
` + mutableHelp + `
` + credentialHelp + `

Examples:
   ably channels annotations publish chat:general "$SERIAL" reaction:distinct.v1 --name thumbsup
   ably channels annotations publish chat:general "$SERIAL" votes:multiple.v1 --name yes --count 3
   ably channels annotations publish chat:general "$SERIAL" tag:flag.v1 --data '{"by":"moderator"}'`,
				Flags: flags(
					&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "the annotation's `NAME` (e.g. the emoji of a reaction)"},
					&cli.IntFlag{Name: "count", Usage: "the `N` to add, for a multiple annotation"},
					&cli.StringFlag{Name: "data", Usage: "the annotation's `DATA`: JSON, or text"},
					&cli.StringFlag{Name: "encoding", Aliases: []string{"e"}, Usage: "the data's `ENCODING`, sent as given"},
				),
				Action: plugin.Action(func(c *cli.Context) (annotateOptions, error) {
					return annotateOptionsOf(c, proto.AnnotationCreate)
				}, runAnnotate),
			},
			{
				Name:      "delete",
				Usage:     "Remove an annotation of a message",
				ArgsUsage: "CHANNEL SERIAL TYPE",
				Description: `Publishes the deletion of the client's annotation of TYPE (and --name) on the message with
SERIAL. Needs the annotation-publish capability. ` + typeHelp + `
` + mutableHelp + `
` + credentialHelp + `

Examples:
   ably channels annotations delete chat:general "$SERIAL" reaction:distinct.v1 --name thumbsup`,
				Flags: flags(&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "the annotation's `NAME`"}),
				Action: plugin.Action(func(c *cli.Context) (annotateOptions, error) {
					return annotateOptionsOf(c, proto.AnnotationDelete)
				}, runAnnotate),
			},
			{
				Name:      "get",
				Usage:     "Show a message's annotations",
				ArgsUsage: "CHANNEL SERIAL",
				Description: `Shows the annotations of the message with SERIAL, oldest first, following the API's pages
until --limit. Needs the annotation-subscribe capability.
` + mutableHelp + `
` + credentialHelp + `

Examples:
   ably channels annotations get chat:general "$SERIAL"
   ably channels annotations get chat:general "$SERIAL" --limit 500 --json`,
				Flags:  flags(&cli.IntFlag{Name: "limit", Value: defaultListLimit, Usage: "show at most `N` annotations (1 to 10000)"}),
				Action: plugin.Action(annotationsGetOptionsOf, runAnnotationsGet),
			},
			annotationsSubscribeCommand(),
		},
	}
}

type annotateOptions struct {
	serialOptions
	Annotation dataplane.Annotation
}

func annotateOptionsOf(c *cli.Context, action proto.AnnotationAction) (annotateOptions, error) {
	so, err := serialOptionsWith(c, "TYPE")
	if err != nil {
		return annotateOptions{}, err
	}
	a := dataplane.Annotation{Action: action, Type: c.Args().Get(2), Name: c.String("name"), Encoding: c.String("encoding")}
	ns, rest, ok := strings.Cut(a.Type, ":")
	method, _, _ := strings.Cut(rest, ".")
	if !ok || ns == "" || method == "" {
		return annotateOptions{}, exitcode.Usagef("annotation TYPE %q: want namespace:summarisation.version, e.g. reaction:distinct.v1", a.Type)
	}
	switch {
	case (method == "distinct" || method == "unique" || method == "multiple") && a.Name == "":
		return annotateOptions{}, exitcode.Usagef("annotation TYPE %q (%s) needs --name: what is counted, e.g. --name thumbsup", a.Type, method)
	case c.IsSet("count") && (method != "multiple" || action == proto.AnnotationDelete):
		return annotateOptions{}, exitcode.Usagef("--count goes with a multiple annotation being published (TYPE like votes:multiple.v1)")
	case c.IsSet("count"):
		n := c.Int("count")
		if n < 1 {
			return annotateOptions{}, exitcode.Usagef("--count must be 1 or more, got %d", n)
		}
		a.Count = n
	}
	if c.IsSet("data") {
		if raw := []byte(c.String("data")); json.Valid(raw) {
			a.Data = compact(string(raw))
		} else {
			a.Data = jsonString(c.String("data"))
		}
	}
	return annotateOptions{serialOptions: so, Annotation: a}, nil
}

func runAnnotate(ctx context.Context, d plugin.Deps, o annotateOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	ids, err := dataplane.NewMessageIDs(d.Rand)
	if err != nil {
		return err
	}
	a := o.Annotation
	a.ID, a.ClientID = ids.ID(0), c.MessageClientID
	if err := c.Annotate(ctx, o.Channel, o.Serial, a); err != nil {
		return err
	}
	verb := "published"
	if a.Action == proto.AnnotationDelete {
		verb = "deleted"
	}
	if d.Out.IsJSON() {
		return d.Out.JSON(struct {
			Channel    string               `json:"channel"`
			Serial     string               `json:"messageSerial"`
			Result     string               `json:"result"`
			Annotation dataplane.Annotation `json:"annotation"`
		}{o.Channel, o.Serial, verb, a})
	}
	what := a.Type
	if a.Name != "" {
		what += " " + strconv.Quote(a.Name)
	}
	return d.Out.Printf("Annotation %s %s on message %s of channel %q\n", what, verb, o.Serial, o.Channel)
}

type annotationsGetOptions struct {
	serialOptions
	Limit int
}

func annotationsGetOptionsOf(c *cli.Context) (annotationsGetOptions, error) {
	so, err := serialOptionsOf(c)
	o := annotationsGetOptions{serialOptions: so, Limit: c.Int("limit")}
	if err == nil && (o.Limit < 1 || o.Limit > maxHistoryLimit) {
		err = exitcode.Usagef("--limit must be between 1 and %d, got %d", maxHistoryLimit, o.Limit)
	}
	return o, err
}

func runAnnotationsGet(ctx context.Context, d plugin.Deps, o annotationsGetOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	list, more, err := c.Annotations(ctx, o.Channel, o.Serial, o.Limit)
	if err != nil {
		return err
	}
	if d.Out.IsJSON() {
		r := struct {
			Channel     string           `json:"channel"`
			Serial      string           `json:"messageSerial"`
			Annotations []annotationJSON `json:"annotations"`
			HasMore     bool             `json:"hasMore"`
		}{o.Channel, o.Serial, make([]annotationJSON, len(list)), more}
		for i, a := range list {
			r.Annotations[i] = toAnnotationJSON(a)
		}
		return d.Out.JSON(r)
	}
	d.Out.Heading(fmt.Sprintf("%s of message %s of channel %q", plural(len(list), "annotation"), o.Serial, o.Channel))
	for i, a := range list {
		if err := d.Out.Printf("\n[%d] %s\n", i+1, output.OrDash(isoMillis(a.Timestamp))); err != nil {
			return err
		}
		if err := d.Out.Details(annotationFields(a)); err != nil {
			return err
		}
	}
	if more {
		d.Out.Warnf("more annotations than --limit %d: raise --limit", o.Limit)
	}
	return nil
}

// annotationJSON is an annotation in this suite's JSON: the API's fields, the action by
// name, the timestamp also in RFC 3339.
type annotationJSON struct {
	dataplane.Annotation
	Action string `json:"action"`
	Time   string `json:"time,omitempty"`
}

func toAnnotationJSON(a dataplane.Annotation) annotationJSON {
	return annotationJSON{a, a.Action.String(), isoMillis(a.Timestamp)}
}

// annotationFields are an annotation's labelled lines.
func annotationFields(a dataplane.Annotation) []output.Field {
	count := "-"
	if a.Count != 0 {
		count = strconv.Itoa(a.Count)
	}
	return []output.Field{
		{Label: "Type", Value: a.Type},
		{Label: "Action", Value: a.Action.String()},
		{Label: "Name", Value: output.OrDash(a.Name)},
		{Label: "Client ID", Value: output.OrDash(a.ClientID)},
		{Label: "Count", Value: count},
		{Label: "Serial", Value: output.OrDash(a.Serial)},
		{Label: "Data", Value: dataText(a.Data)},
	}
}
