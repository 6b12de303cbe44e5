package dispatcher

// pluralGroup is the group an official CLI's singular spelling names (`ably app list` is
// `ably apps list`), "" for any other word.
func pluralGroup(word string) string {
	switch word {
	case "account", "app", "channel", "connection", "integration", "log", "queue", "room", "space":
		return word + "s"
	}
	return ""
}

// officialSpelling rewrites the words of a command line the official CLI accepts to this
// suite's: a redundant leading "ably" (`ably ably apps list`, as in scripts that call the
// CLI through a wrapper), `ably login` for `ably accounts login`, and the singular group
// names. Anything else is left as it is.
func officialSpelling(args []string) []string {
	for len(args) > 0 && args[0] == "ably" {
		args = args[1:]
	}
	if len(args) == 0 {
		return args
	}
	switch word := args[0]; {
	case word == "login":
		return append([]string{"accounts", "login"}, args[1:]...)
	case pluralGroup(word) != "":
		return append([]string{pluralGroup(word)}, args[1:]...)
	}
	return args
}
