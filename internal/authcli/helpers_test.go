package authcli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/plugin"
)

// runner runs the plugin in-process with the given environment variables, a fixed clock and
// a fixed random source, so its requests can be compared byte for byte.
type runner struct {
	vars map[string]string
	now  time.Time
	rand func() io.Reader
}

func (r runner) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	rnd := r.rand
	if rnd == nil {
		rnd = func() io.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xab}, 64)) }
	}
	now := r.now
	if now.IsZero() {
		now = time.Now()
	}
	env := plugin.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return r.vars[k] }, Now: func() time.Time { return now }, Rand: rnd()}
	code = plugin.Run(context.Background(), Plugin(), env, append([]string{"ably-auth"}, args...))
	return code, out.String(), errOut.String()
}
