package integrationscli

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// targetURLSchemes are, per rule type, the target fields holding a URL and the schemes each
// may have: Ably posts webhooks over http(s), connects to AMQP brokers over amqp(s), and so
// on, so anything else (ftp://, a bare host) would be refused by the API or never delivered.
func targetURLSchemes(ruleType string) map[string][]string {
	web := []string{"http", "https"}
	switch ruleType {
	case "http", "http/zapier", "http/cloudflare-worker", "http/before-publish":
		return map[string][]string{"url": web}
	case "amqp/external":
		return map[string][]string{"url": {"amqp", "amqps"}}
	case "pulsar":
		return map[string][]string{"serviceUrl": {"pulsar", "pulsar+ssl"}}
	case "ingress-postgres-outbox":
		return map[string][]string{"url": {"postgres", "postgresql"}}
	case "ingress/mongodb":
		return map[string][]string{"url": {"mongodb", "mongodb+srv"}}
	}
	return nil
}

// checkTargetValues checks what can be checked locally in a target's values: the scheme and
// host of its URLs, and that Kafka brokers are HOST:PORT. where names the target in errors
// ("--url" style flags or a JSON file's "target").
func checkTargetValues(t ruleType, target *node) error {
	if target == nil || !target.isObject {
		return nil
	}
	for field, schemes := range targetURLSchemes(t.name) {
		v := target.get(field)
		if v == nil {
			continue
		}
		s, ok := v.scalar.(string)
		if !ok || v.isObject || v.isArray {
			return exitcode.Usagef("target %s of a %s rule must be a URL string, not %s", field, t.name, jsonKind(v))
		}
		if err := checkURL(t.name, field, s, schemes); err != nil {
			return err
		}
	}
	if t.name == "kafka" {
		if b := target.get("brokers"); b != nil {
			if !b.isArray {
				return exitcode.Usagef("target brokers of a kafka rule must be a list of HOST:PORT, not %s", jsonKind(b))
			}
			for _, broker := range b.strings() {
				if err := checkBroker(broker); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func checkURL(ruleType, field, s string, schemes []string) error {
	want := strings.Join(schemes, "://, ") + "://"
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return exitcode.Usagef("target %s %q of a %s rule is not a URL: want %s followed by a host", field, redactURL(s), ruleType, want)
	}
	for _, scheme := range schemes {
		if strings.EqualFold(u.Scheme, scheme) {
			return nil
		}
	}
	return exitcode.Usagef("target %s %q of a %s rule: the scheme %s:// is not one Ably uses here; want %s", field, redactURL(s), ruleType, u.Scheme, want)
}

// redactURL is a URL as errors show it: its credentials masked.
func redactURL(s string) string {
	n := value(s)
	maskSecrets(n)
	return n.str()
}

func checkBroker(broker string) error {
	host, port, err := net.SplitHostPort(broker)
	if err != nil || host == "" {
		return exitcode.Usagef("kafka broker %q: want HOST:PORT, e.g. kafka1.example.com:9092", broker)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return exitcode.Usagef("kafka broker %q: the port %q is not a number from 1 to 65535", broker, port)
	}
	return nil
}
