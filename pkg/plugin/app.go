package plugin

import "github.com/urfave/cli/v2"

// CLIApp returns the *cli.App that Run would run for p, for tools that read the command tree
// (such as documentation generators) rather than run it. The app is set up as Run sets it up:
// standard flags on every leaf command, the hidden metadata command, the process's
// environment. Setting it up changes p's commands in place (it adds the standard flags), so
// call it once on a fresh Plugin value.
func (p Plugin) CLIApp() *cli.App {
	return p.app(&state{env: SystemEnv()})
}
