package channelscli

import (
	"testing"
	"time"
)

// The message is read as the official CLI reads it: a JSON object is a message, any other
// JSON is the data, anything else is text; --name wins; templates are filled first.
func TestMessageInput(t *testing.T) {
	at := time.UnixMilli(1700000000123)
	for _, tc := range []struct {
		in                 messageInput
		name, data, extras string
	}{
		{messageInput{Text: "Hello!"}, "", `"Hello!"`, ""},
		{messageInput{Text: ""}, "", `""`, ""},
		{messageInput{Text: "42"}, "", `42`, ""},
		{messageInput{Text: `[1, 2]`}, "", `[1,2]`, ""},
		{messageInput{Text: `null`}, "", `null`, ""},
		{messageInput{Text: `"quoted"`}, "", `"quoted"`, ""},
		{messageInput{Text: `not {json`}, "", `"not {json"`, ""},
		{messageInput{Text: `{"name":"greeting","data":{"text":"Hi"}}`}, "greeting", `{"text":"Hi"}`, ""},
		{messageInput{Text: `{"name":"n","temperature":21.5}`}, "n", `{"temperature":21.5}`, ""},
		{messageInput{Text: `{"data":"x","extras":{"headers":{"k":"v"}}}`}, "", `"x"`, `{"headers":{"k":"v"}}`},
		{messageInput{Text: `{"data":"x","extras":{}}`}, "", `"x"`, ""},
		{messageInput{Text: `{"name":"kept","data":1}`, Name: "forced"}, "forced", `1`, ""},
		{messageInput{Text: `{"name":"in-data","v":1}`, Name: "forced"}, "forced", `{"name":"in-data","v":1}`, ""},
		{messageInput{Text: `{"name":7,"data":1}`}, "", `1`, ""},
		{messageInput{Text: `{}`}, "", ``, ""},
		{messageInput{Text: `Message number {{.Count}}`}, "", `"Message number 3"`, ""},
		{messageInput{Text: `{"data":{"n":{{.Count}},"at":{{.Timestamp}}}}`}, "", `{"n":3,"at":1700000000123}`, ""},
	} {
		m := tc.in.message(3, at)
		if m.Name != tc.name || string(m.Data) != tc.data || string(m.Extras) != tc.extras {
			t.Errorf("%+v: name %q data %s extras %s; want %q %s %s", tc.in, m.Name, m.Data, m.Extras, tc.name, tc.data, tc.extras)
		}
	}
	if m := (messageInput{Text: "x", Encoding: "utf-8"}).message(1, at); m.Encoding != "utf-8" {
		t.Errorf("encoding %q", m.Encoding)
	}
}
