package protocol

// GlobalFlag is a flag the dispatcher accepts before the group (`ably --profile work apps
// list`) and hands to the plugin as an environment variable, so that a plugin in any language
// sees it without parsing the dispatcher's command line.
type GlobalFlag struct {
	Name  string // long name, without "--"
	Short string // one-letter alias, without "-"; may be empty
	Arg   string // the value's placeholder in help; empty for a boolean flag, passed as Env=1
	Env   string // the variable the plugin gets
	Usage string
}

// GlobalFlags are the dispatcher's global flags that reach plugins, in the order help lists
// them. (The dispatcher also takes --help and --version, which stand for its built-ins.)
func GlobalFlags() []GlobalFlag {
	return []GlobalFlag{
		{Name: "profile", Arg: "NAME", Env: "ABLY_PROFILE", Usage: "use this profile (account alias)"},
		{Name: "config-dir", Arg: "DIR", Env: "ABLY_CLI_CONFIG_DIR", Usage: "directory of the config file"},
		{Name: "control-host", Arg: "HOST", Env: "ABLY_CONTROL_HOST", Usage: "Control API host"},
		{Name: "endpoint", Arg: "URL", Env: "ABLY_ENDPOINT", Usage: "Ably endpoint for realtime and REST calls"},
		{Name: "verbose", Short: "v", Env: "ABLY_VERBOSE", Usage: "verbose output"},
	}
}

// EnvHelp says, for help texts, how the plugin gets the flag: "env ABLY_PROFILE", or for a
// boolean "env ABLY_VERBOSE=1".
func (f GlobalFlag) EnvHelp() string {
	if f.Arg == "" {
		return "env " + f.Env + "=1"
	}
	return "env " + f.Env
}
