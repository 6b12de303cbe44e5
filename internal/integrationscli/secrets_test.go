package integrationscli

import (
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	in := `{"id":"r1","created":1602844091815,"target":{"url":"https://user:pw@example.com/a?b=1&c=<2>","headers":[{"name":"X-Api-Key","value":"k1"},{"name":"Accept","value":"json"},{"name":"authorization","value":""}],` +
		`"authentication":{"accessKeyId":"AKIA","secretAccessKey":"s3"},"auth":{"sasl":{"username":"u","password":"p"}},"apiKey":"k2","token":null,"list":["amqps://a:b@h"]}}`
	want := `{"id":"r1","created":1602844091815,"target":{"url":"https://user:****@example.com/a?b=1&c=<2>","headers":[{"name":"X-Api-Key","value":"****"},{"name":"Accept","value":"json"},{"name":"authorization","value":""}],` +
		`"authentication":{"accessKeyId":"AKIA","secretAccessKey":"****"},"auth":{"sasl":{"username":"u","password":"****"}},"apiKey":"****","token":null,"list":["amqps://a:****@h"]}}`
	n, err := parseNode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if !maskSecrets(n) {
		t.Error("maskSecrets reported nothing masked")
	}
	got, _ := n.MarshalJSON()
	if string(got) != want {
		t.Errorf("masked:\n got %s\nwant %s", got, want)
	}
	// Nothing to mask: the JSON comes back byte for byte, in the API's order.
	plain := `{"z":1,"a":{"url":"https://example.com/x","n":1.0e3,"s":"\u00e9 & <"},"b":[true,null]}`
	n, _ = parseNode([]byte(plain))
	if maskSecrets(n) {
		t.Error("maskSecrets masked something in a plain rule")
	}
	got, _ = n.MarshalJSON()
	if string(got) != `{"z":1,"a":{"url":"https://example.com/x","n":1.0e3,"s":"é & <"},"b":[true,null]}` {
		t.Errorf("round trip: %s", got)
	}
}

func TestCheckJSRegexp(t *testing.T) {
	ok := []string{"^chat:.*", "(?=a)b", "(?<=a)b", `(a)\1`, "[(]", "[]]", `\(`, "a|b", "(?:x)+", "x{2,1000}", `\cA`}
	for _, re := range ok {
		if err := checkJSRegexp("channel-filter", re); err != nil {
			t.Errorf("%q refused: %v", re, err)
		}
	}
	bad := map[string]string{"(a": "never closed with )", "a)": "closes no group", "[a": "never closed with ]", `a\`: "lone backslash", "*a": "nothing to repeat", "a|+b": "nothing to repeat"}
	for re, why := range bad {
		if err := checkJSRegexp("channel-filter", re); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: got %v, want %q", re, err, why)
		}
	}
}

func TestDescribeJSONError(t *testing.T) {
	cases := map[string]string{
		"{\n  \"a\": 1,\n  \"b\" 2\n}": "line 3, column 7: invalid character '2' after object key",
		`{"a": tru}`:                   "line 1, column 10: invalid character '}' in literal true (expecting 'e')",
		`{"a": [1, 2}`:                 "line 1, column 12: invalid character '}' after array element",
		`{"a": "x`:                     "it ends too early",
	}
	for in, want := range cases {
		_, err := parseObject("--target-json", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}
