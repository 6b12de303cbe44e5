package integrationscli

import (
	"slices"

	"github.com/urfave/cli/v2"
)

// flagValues are a command's flags as read from its command line: which the user gave, and
// what each holds (its default when not given). Create and update have dozens of flags,
// most of which mean something for a few rule types only, so their options keep them by
// name and the body is built from them in the run function, after the rule's type is known.
type flagValues struct {
	given  map[string]bool
	values map[string]any // a string, int, bool or []string, by the flag's name
}

// flagValuesOf reads every flag of the running command (by its first name).
func flagValuesOf(c *cli.Context) flagValues {
	v := flagValues{given: map[string]bool{}, values: map[string]any{}}
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		v.given[name] = c.IsSet(name)
		switch f.(type) {
		case *cli.StringFlag:
			v.values[name] = c.String(name)
		case *cli.IntFlag:
			v.values[name] = c.Int(name)
		case *cli.BoolFlag:
			v.values[name] = c.Bool(name)
		case *cli.StringSliceFlag:
			v.values[name] = slices.Clone(c.StringSlice(name))
		}
	}
	return v
}

// IsSet tells whether the user gave the flag.
func (v flagValues) IsSet(name string) bool { return v.given[name] }

// String is a text flag's value ("" for a flag of another kind).
func (v flagValues) String(name string) string { s, _ := v.values[name].(string); return s }

// Int is a number flag's value.
func (v flagValues) Int(name string) int { n, _ := v.values[name].(int); return n }

// Bool is a switch's value.
func (v flagValues) Bool(name string) bool { b, _ := v.values[name].(bool); return b }

// StringSlice is a repeatable flag's values.
func (v flagValues) StringSlice(name string) []string { l, _ := v.values[name].([]string); return l }

// isText tells whether the flag takes one text value (not a number, switch or list).
func (v flagValues) isText(name string) bool { _, ok := v.values[name].(string); return ok }
