// Package version tells which version of the suite is running.
package version

import "runtime/debug"

// String is the suite's version: the main module's version when built by `go install
// module@version`, else "(devel)".
func String() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
