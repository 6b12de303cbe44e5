package appscli

import (
	"encoding/json"
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/userfile"
)

// maxFlagFile caps a file a flag names (certificates, keys, service account JSON): far above
// any real one.
const maxFlagFile = 1 << 20

// readFlagFile reads the file a flag names. An unreadable or empty file is a usage error
// naming the flag and the path, so the user sees which argument to fix.
func readFlagFile(flag, path string) ([]byte, error) {
	if path == "" {
		return nil, exitcode.Usagef("--%s is empty: give the path of a file", flag)
	}
	data, err := userfile.Read(path, maxFlagFile)
	if err != nil {
		return nil, exitcode.Usagef("--%s %s: cannot read the file: %v", flag, path, err)
	}
	if len(data) == 0 {
		return nil, exitcode.Usagef("--%s %s: the file is empty", flag, path)
	}
	return data, nil
}

// readPEMFlag reads a PEM file (certificate or private key) for a flag. A file that is not
// PEM is refused here rather than by the API, with a hint for the usual mistake (a .p12).
func readPEMFlag(flag, path string) (string, error) {
	data, err := readFlagFile(flag, path)
	if err != nil {
		return "", err
	}
	if !strings.Contains(string(data), "-----BEGIN ") {
		return "", exitcode.Usagef("--%s %s: not a PEM file (want one holding \"-----BEGIN ...\"; for a .p12 certificate use 'ably apps set-apns-p12')", flag, path)
	}
	return string(data), nil
}

// readJSONObjectFlag takes a flag that is either inline JSON or the path of a JSON file, and
// returns the JSON object as text.
func readJSONObjectFlag(flag, value string) (string, error) {
	text := value
	where := "the value"
	if !strings.HasPrefix(strings.TrimSpace(value), "{") {
		data, err := readFlagFile(flag, value)
		if err != nil {
			return "", err
		}
		text, where = string(data), value
	}
	var obj map[string]any
	if err := json.Unmarshal([]byte(text), &obj); err != nil || obj == nil {
		return "", exitcode.Usagef("--%s: %s is not a JSON object (want the service account JSON file from the Firebase console, or its contents)", flag, where)
	}
	return text, nil
}
