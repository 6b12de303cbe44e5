package config

import (
	"strings"

	"github.com/ably/ably-suite/pkg/exitcode"
)

// Select picks the profile to use: the one named (from --profile or ABLY_PROFILE), else the
// file's current account. found is false when no profile is named and none is current; a
// named profile that does not exist is an error listing the ones that do.
func (f *File) Select(name string) (alias string, acct Account, found bool, err error) {
	if name == "" {
		name = f.CurrentAlias()
		if name == "" {
			return "", Account{}, false, nil
		}
		a, ok := f.Account(name)
		return name, a, ok, nil
	}
	a, ok := f.Account(name)
	if !ok {
		known := "there are none yet"
		if as := f.Aliases(); len(as) > 0 {
			known = "known: " + strings.Join(as, ", ")
		}
		return "", Account{}, false, exitcode.New(exitcode.NotFound,
			"no profile %q in %s (%s); log in with 'ably accounts login --alias %s'", name, f.Path, known, name)
	}
	return name, a, true, nil
}
