package channelscli

import (
	"context"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/output"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/realtime/proto"
)

// mutableHelp is what the commands on one message say about where they work.
const mutableHelp = `Works on channels whose namespace has the mutableMessages rule (for chat:*: 'ably apps rules
create --name chat --mutable-messages'); SERIAL is the message's serial, as publish and
history show it.`

func getMessageCommand() *cli.Command {
	return &cli.Command{
		Name:      "get-message",
		Usage:     "Show the latest version of one message",
		ArgsUsage: "CHANNEL SERIAL",
		Description: `Shows the message with SERIAL on CHANNEL as it is now, updates and deletes applied. Needs the
history capability.
` + mutableHelp + `
` + credentialHelp + `

Examples:
   ably channels get-message chat:general "$SERIAL"
   ably channels get-message chat:general "$SERIAL" --json
   ably channels get-message chat:general "$SERIAL" --cipher "$CIPHER_KEY"`,
		Flags: flags(cipherFlag()),
		Action: plugin.Action(func(c *cli.Context) (getMessageOptions, error) {
			so, err := serialOptionsOf(c)
			o := getMessageOptions{serialOptions: so}
			if err == nil {
				o.Cipher, err = cipherOf(c)
			}
			return o, err
		}, runGetMessage),
	}
}

// serialOptions are a command's data-plane settings, its CHANNEL and the message's SERIAL.
type serialOptions struct {
	Data            dataplane.Settings
	Channel, Serial string
}

func serialOptionsOf(c *cli.Context) (serialOptions, error) {
	return serialOptionsWith(c)
}

// serialOptionsWith reads CHANNEL SERIAL and then the further arguments named.
func serialOptionsWith(c *cli.Context, more ...string) (serialOptions, error) {
	s, err := dataplane.SettingsOf(c)
	if err != nil {
		return serialOptions{}, err
	}
	a, err := args(c, append([]string{"CHANNEL", "SERIAL"}, more...)...)
	if err != nil {
		return serialOptions{}, err
	}
	return serialOptions{Data: s, Channel: a[0], Serial: a[1]}, nil
}

// getMessageOptions are get-message's: the message and the channel's cipher key, if any.
type getMessageOptions struct {
	serialOptions
	Cipher *proto.CipherParams
}

func runGetMessage(ctx context.Context, d plugin.Deps, o getMessageOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	c.Cipher = o.Cipher
	m, err := c.GetMessage(ctx, o.Channel, o.Serial)
	if err != nil {
		return err
	}
	if d.Out.IsJSON() {
		return d.Out.JSON(struct {
			Channel string      `json:"channel"`
			Message messageJSON `json:"message"`
		}{o.Channel, toJSON(m)})
	}
	d.Out.Heading(fmt.Sprintf("Message %s of channel %q, %s", o.Serial, o.Channel, output.OrDash(isoMillis(m.Timestamp))))
	return d.Out.Details(messageFields(m))
}

// editKind is one of the three edits of a mutable message.
type editKind struct {
	name, verb, done string
	action           proto.MessageAction
	takesMessage     bool
}

var (
	updateEdit = editKind{"update", "Update", "Updated", proto.MessageUpdate, true}
	appendEdit = editKind{"append", "Append to", "Appended to", proto.MessageAppend, true}
	deleteEdit = editKind{"delete", "Delete", "Deleted", proto.MessageDelete, false}
)

func updateCommand() *cli.Command {
	return editCommand(updateEdit, `Replaces the message's name, data and extras with MESSAGE's (read as publish reads it).
Needs the message-update-any capability, or message-update-own for the client's own messages.`,
		`ably channels update chat:general "$SERIAL" 'Hello, corrected'`,
		`ably channels update chat:general "$SERIAL" '{"name":"edit","data":{"text":"v2"}}' --description 'typo'`)
}

func appendCommand() *cli.Command {
	return editCommand(appendEdit, `Appends MESSAGE's data to the message's (both text), as a streamed answer grows. Needs the
message-update-any capability, or message-update-own for the client's own messages.`,
		`ably channels append chat:general "$SERIAL" ' and more'`,
		`ably channels append chat:general "$SERIAL" 'token 42' --json`)
}

func deleteCommand() *cli.Command {
	return editCommand(deleteEdit, `Marks the message deleted: history and get-message show it as message.delete. Needs the
message-delete-any capability, or message-delete-own for the client's own messages.`,
		`ably channels delete chat:general "$SERIAL"`,
		`ably channels delete chat:general "$SERIAL" --description 'spam' --json`)
}

func editCommand(k editKind, what string, examples ...string) *cli.Command {
	usage := "CHANNEL SERIAL"
	if k.takesMessage {
		usage += " MESSAGE"
	}
	fl := []cli.Flag{&cli.StringFlag{Name: "description", Usage: "why, as `TEXT` kept with the new version"}}
	if k.takesMessage {
		fl = append(fl,
			&cli.StringFlag{Name: "name", Aliases: []string{"n"}, Usage: "the message's event `NAME`"},
			&cli.StringFlag{Name: "encoding", Aliases: []string{"e"}, Usage: "the data's `ENCODING`, sent as given"})
	}
	return &cli.Command{
		Name:        k.name,
		Usage:       k.verb + " a message",
		ArgsUsage:   usage,
		Description: what + "\n" + mutableHelp + "\n" + credentialHelp + "\n\nExamples:\n   " + strings.Join(examples, "\n   "),
		Flags:       flags(fl...),
		Action: plugin.Action(func(c *cli.Context) (editOptions, error) {
			return editOptionsOf(c, k)
		}, runEdit),
	}
}

type editOptions struct {
	serialOptions
	Kind        editKind
	Input       messageInput
	Description string
}

func editOptionsOf(c *cli.Context, k editKind) (editOptions, error) {
	var more []string
	if k.takesMessage {
		more = []string{"MESSAGE"}
	}
	so, err := serialOptionsWith(c, more...)
	o := editOptions{serialOptions: so, Kind: k, Description: c.String("description")}
	if err == nil && k.takesMessage {
		o.Input = messageInput{Text: c.Args().Get(2), Name: c.String("name"), Encoding: c.String("encoding")}
	}
	return o, err
}

func runEdit(ctx context.Context, d plugin.Deps, o editOptions) error {
	c, err := dataplane.Open(d, o.Data)
	if err != nil {
		return err
	}
	e := dataplane.MessageEdit{Action: o.Kind.action}
	if o.Kind.takesMessage {
		m := o.Input.message(1, d.Now())
		e.Name, e.Data, e.Encoding, e.Extras = m.Name, m.Data, m.Encoding, m.Extras
	}
	if o.Description != "" || c.MessageClientID != "" {
		e.Version = &dataplane.MessageVersion{Description: o.Description, ClientID: c.MessageClientID}
	}
	res, err := c.EditMessage(ctx, o.Channel, o.Serial, e)
	if err != nil {
		return err
	}
	if d.Out.IsJSON() {
		return d.Out.JSON(struct {
			Channel       string `json:"channel"`
			Serial        string `json:"serial"`
			Action        string `json:"action"`
			VersionSerial string `json:"versionSerial"`
		}{o.Channel, o.Serial, e.Action.String(), res.VersionSerial})
	}
	return d.Out.Printf("%s message %s of channel %q: version %s\n", o.Kind.done, o.Serial, o.Channel, output.OrDash(res.VersionSerial))
}
