package pushcli

import (
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
	"github.com/ably/ably-suite/pkg/userfile"
)

// maxFlagFile caps a credential file a flag names: far above any real .p12, .p8 or service
// account file.
const maxFlagFile = 1 << 20

// readFlagFile reads the file --flag names. An unreadable or empty file is a usage error
// naming the flag and the path; nothing of the file's contents is ever quoted.
func readFlagFile(flag, path string) ([]byte, error) {
	if strings.TrimSpace(path) == "" {
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
