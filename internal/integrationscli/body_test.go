package integrationscli

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ably/ably-suite/pkg/controltest"
	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/plugin/plugintest"
)

// recordingTransport keeps the body of each rule the command sends (POST or PATCH).
type recordingTransport struct{ sent []string }

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost || req.Method == http.MethodPatch {
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		r.sent = append(r.sent, string(data))
		req.Body = io.NopCloser(bytes.NewReader(data))
	}
	return http.DefaultTransport.RoundTrip(req)
}

// body runs `integrations create` or `update` of a rule of type ruleTypeName with args, in
// process against a fake Control API, and returns the request body it sent (as sent: the
// client escapes <, > and & as encoding/json does). A command that
// sent nothing returns its exit code and standard error as an error.
func body(t *testing.T, command, ruleTypeName string, args ...string) (string, error) {
	t.Helper()
	if _, ok := lookupRuleType(ruleTypeName); !ok {
		t.Fatalf("no rule type %q", ruleTypeName)
	}
	srv := controltest.New()
	defer srv.Close()
	app := srv.AddApp("", controltest.App{Name: "Demo"})
	if command == "update" {
		srv.AddRule(app.ID, map[string]any{"id": "x", "ruleType": ruleTypeName, "target": map[string]any{}})
	}
	sent := &recordingTransport{}
	res := plugintest.Options{Transport: sent, Vars: map[string]string{
		"ABLY_ACCESS_TOKEN": controltest.DefaultToken, "ABLY_CONTROL_HOST": srv.URL, "ABLY_APP_ID": app.ID,
	}}.Run(t, Plugin(), append([]string{command, "--type", ruleTypeName}, args...)...)
	if len(sent.sent) == 0 {
		return "", exitcode.New(res.Code, "%s", res.Stderr)
	}
	return sent.sent[0], nil
}

func TestCreateBodies(t *testing.T) {
	cases := []struct {
		ruleType string
		args     []string
		want     string
	}{
		{"http", []string{"--url", "https://x/h?a=1&b=2", "--header", "Authorization: Bearer t:1", "--enveloped=false"},
			`{"ruleType":"http","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"url":"https://x/h?a=1\u0026b=2","headers":[{"name":"Authorization","value":"Bearer t:1"}],"enveloped":false,"format":"json"}}`},
		{"aws/kinesis", []string{"--region", "r", "--stream-name", "s", "--partition-key", "k", "--aws-access-key-id", "id", "--aws-secret-access-key", "sec", "--status", "disabled"},
			`{"ruleType":"aws/kinesis","status":"disabled","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"region":"r","streamName":"s","partitionKey":"k","format":"json","authentication":{"authenticationMode":"credentials","accessKeyId":"id","secretAccessKey":"sec"}}}`},
		{"amqp/external", []string{"--url", "amqps://h", "--routing-key", "k", "--persistent-messages"},
			`{"ruleType":"amqp/external","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"url":"amqps://h","routingKey":"k","mandatoryRoute":false,"persistentMessages":true}}`},
		{"aws/lambda/before-publish", []string{"--region", "r", "--function-name", "f", "--aws-assume-role-arn", "arn", "--channel-filter", "^a"},
			`{"ruleType":"aws/lambda/before-publish","source":{"channelFilter":"^a","type":"channel.message"},"invocationMode":"BEFORE_PUBLISH","beforePublishConfig":{"retryTimeout":5000,"maxRetries":3,"failedAction":"REJECT","tooManyRequestsAction":"RETRY"},"target":{"region":"r","functionName":"f","authentication":{"authenticationMode":"assumeRole","assumeRoleArn":"arn"}}}`},
		{"http/azure-function", []string{"--azure-app-id", "a", "--function-name", "f"},
			`{"ruleType":"http/azure-function","requestMode":"single","source":{"channelFilter":"","type":"channel.message"},"target":{"azureAppId":"a","azureFunctionName":"f"}}`},
		{"tisane/text-moderation", []string{"--target-json", `{"apiKey":"k","defaultLanguage":"en","thresholds":{"x":1.50}}`, "--too-many-requests-action", "fail"},
			`{"ruleType":"tisane/text-moderation","invocationMode":"BEFORE_PUBLISH","beforePublishConfig":{"retryTimeout":5000,"maxRetries":3,"failedAction":"REJECT","tooManyRequestsAction":"FAIL"},"target":{"apiKey":"k","defaultLanguage":"en","thresholds":{"x":1.50}}}`},
	}
	for _, c := range cases {
		got, err := body(t, "create", c.ruleType, c.args...)
		if err != nil || got != c.want {
			t.Errorf("create %s %q:\n got %s (%v)\nwant %s", c.ruleType, c.args, got, err, c.want)
		}
	}
}

// Updates send only what was set, with ruleType, and what the type's rule_patch takes whole.
func TestPatchBodies(t *testing.T) {
	cases := []struct {
		ruleType string
		args     []string
		want     string
	}{
		{"http", []string{"--status", "disabled", "x"}, `{"ruleType":"http","status":"disabled"}`},
		{"http", []string{"--channel-filter", "", "x"}, `{"ruleType":"http","source":{"channelFilter":""}}`},
		{"http", []string{"--format", "msgpack", "--enveloped", "x"}, `{"ruleType":"http","target":{"enveloped":true,"format":"msgpack"}}`},
		{"kafka", []string{"--password", "p", "--username", "u", "--auth-mechanism", "plain", "x"},
			`{"ruleType":"kafka","target":{"auth":{"sasl":{"mechanism":"plain","username":"u","password":"p"}}}}`},
		{"http/before-publish", []string{"--retry-timeout", "0", "--max-retries", "0", "--failed-action", "PUBLISH", "--too-many-requests-action", "RETRY", "x"},
			`{"ruleType":"http/before-publish","beforePublishConfig":{"retryTimeout":0,"maxRetries":0,"failedAction":"PUBLISH","tooManyRequestsAction":"RETRY"}}`},
		{"azure/text-moderation", []string{"--target-json", `{"apiKey":"k","endpoint":"e"}`, "--retry-timeout", "1", "--max-retries", "1", "--failed-action", "REJECT", "--too-many-requests-action", "FAIL", "x"},
			`{"ruleType":"azure/text-moderation","invocationMode":"BEFORE_PUBLISH","beforePublishConfig":{"retryTimeout":1,"maxRetries":1,"failedAction":"REJECT","tooManyRequestsAction":"FAIL"},"target":{"apiKey":"k","endpoint":"e"}}`},
	}
	for _, c := range cases {
		got, err := body(t, "update", c.ruleType, c.args...)
		if err != nil || got != c.want {
			t.Errorf("update %s %q:\n got %s (%v)\nwant %s", c.ruleType, c.args, got, err, c.want)
		}
	}
}

func TestBodyErrors(t *testing.T) {
	cases := []struct {
		command, ruleType string
		args              []string
		want              string
	}{
		{"create", "http", []string{"--url", "u", "--region", "r"}, "--region does not apply to http rules: it sets the target of http/google-cloud-function, aws/lambda"},
		{"create", "kafka", []string{"--brokers", "b", "--routing-key", "k", "--pulsar-token", "t"}, "--pulsar-token does not apply to kafka rules: it sets the target of pulsar rules"},
		{"create", "ingress/mongodb", []string{"--target-json", `{"url":"u"}`}, "ingress/mongodb rules need the target fields database, collection, pipeline, fullDocument, fullDocumentBeforeChange, primarySite in --target-json"},
		{"create", "ingress/mongodb", []string{"--target-json", `{}`, "--source-type", "channel.message"}, "--source-type does not apply to ingress/mongodb rules: they have no channel source"},
		{"create", "hive/dashboard", []string{"--target-json", `{"apiKey":"k"}`, "--retry-timeout", "1"}, "--retry-timeout does not apply to hive/dashboard rules"},
		{"create", "http", []string{"--target-json", `{"url":"u","format":"json"} {}`}, "--target-json is not valid JSON: line 1, column 29: invalid character '{' after top-level value"},
		{"update", "aws/sqs", []string{"--aws-secret-access-key", "s", "x"}, "--aws-secret-access-key needs --aws-access-key-id too"},
		{"update", "ingress-postgres-outbox", []string{"--status", "disabled", "x"}, "updating ingress-postgres-outbox rules needs the whole target too"},
		{"update", "ingress-postgres-outbox", []string{"--target-json", `{"url":"u"}`, "x"}, "changing the target of ingress-postgres-outbox rules needs the target fields outboxTableSchema, outboxTableName, nodesTableSchema, nodesTableName, sslMode in --target-json"},
		{"update", "http", []string{"--channel-filter", "[a", "x"}, `--channel-filter "[a" is not a regular expression: a [ is never closed with ]`},
	}
	for _, c := range cases {
		got, err := body(t, c.command, c.ruleType, c.args...)
		if exitcode.Of(err) != exitcode.Usage || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s %q: got %s, %v; want a usage error containing %q", c.command, c.ruleType, c.args, got, err, c.want)
		}
	}
}
