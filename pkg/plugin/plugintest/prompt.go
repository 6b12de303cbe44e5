package plugintest

import (
	"context"
	"fmt"
)

// Answers is a plugin.Prompt that answers from a script and records what was asked: each
// Confirm takes the next of Yes, each Hidden the next of Lines. A question beyond the script
// is an error naming it, so a test sees a prompt it did not expect.
type Answers struct {
	Yes   []bool
	Lines []string
	Asked []string // the questions and prompts, in order
}

// Confirm answers with the next of a.Yes.
func (a *Answers) Confirm(ctx context.Context, question string) (bool, error) {
	a.Asked = append(a.Asked, question)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if len(a.Yes) == 0 {
		return false, fmt.Errorf("plugintest: unexpected question %q", question)
	}
	yes := a.Yes[0]
	a.Yes = a.Yes[1:]
	return yes, nil
}

// Hidden answers with the next of a.Lines.
func (a *Answers) Hidden(ctx context.Context, prompt string) (string, error) {
	a.Asked = append(a.Asked, prompt)
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if len(a.Lines) == 0 {
		return "", fmt.Errorf("plugintest: unexpected prompt %q", prompt)
	}
	line := a.Lines[0]
	a.Lines = a.Lines[1:]
	return line, nil
}
