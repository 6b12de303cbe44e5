package dispatcher

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ably/ably-suite/pkg/protocol"
)

const (
	// defaultMetadataTimeout bounds each plugin's metadata call. Calls run in parallel, so
	// `ably help` takes at most about this long however many plugins hang.
	defaultMetadataTimeout = 2 * time.Second

	// maxOutput is the most of a plugin's stdout ably keeps (metadata or completion). A
	// plugin that writes more is killed: it must not make us hang or grow.
	maxOutput = 64 << 10

	// waitDelay is how long ably waits, once the plugin has exited or been killed, for
	// whatever still holds its stdout (a grandchild in another process group) before
	// closing the pipe itself.
	waitDelay = 200 * time.Millisecond
)

var (
	errTimedOut      = errors.New("timed out")
	errTooMuchOutput = fmt.Errorf("wrote more than %d KiB", maxOutput>>10)
)

// metadataTimeout is ABLY_PLUGIN_METADATA_TIMEOUT (a Go duration such as "300ms", mostly for
// tests), or the default.
func metadataTimeout(e *Env) time.Duration {
	return timeoutSetting(e, "ABLY_PLUGIN_METADATA_TIMEOUT", defaultMetadataTimeout)
}

// timeoutSetting is the duration in the variable name, or def when it is unset or invalid
// (with a warning: a bad value must not break help or completion).
func timeoutSetting(e *Env, name string, def time.Duration) time.Duration {
	s := getenv(e.Environ, name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		fmt.Fprintf(e.Stderr, "ably: ignoring %s=%q: want a positive duration such as 2s\n", name, s)
		return def
	}
	return d
}

// discoverWithMetadata is Discover followed by fetchMetadata and placeSubcommands: what
// `ably help` and `ably plugin list` show. With a group, only that group's plugin and the
// plugins adding subcommands to it are listed (and run). Plugins are asked without any
// credential in their environment (protocol.WithoutSecrets).
func discoverWithMetadata(e *Env, g globals, group string) []*Candidate {
	cands := Discover(searchDirs(e))
	if group != "" {
		cands = slices.DeleteFunc(cands, func(c *Candidate) bool {
			return c.Name != group && !strings.HasPrefix(c.Name, group+"-")
		})
	}
	fetchMetadata(cands, metadataOptions{
		env:       protocol.WithoutSecrets(childEnv(e, g)),
		timeout:   metadataTimeout(e),
		cachePath: cachePath(e.CacheDir),
	})
	placeSubcommands(cands)
	return cands
}

type metadataOptions struct {
	env       []string
	timeout   time.Duration
	cachePath string // "" for no cache
}

// fetchMetadata asks every runnable candidate for its metadata, all at once, answering from
// the cache where the file has not changed. A candidate whose answer is missing or bad
// becomes invalid with the reason. A call that timed out is cached too, so that one slow or
// hanging plugin does not make every later `ably help` wait again: it is listed as not
// answering at once until its file changes (or the timeout is raised above the one it ran
// out of).
func fetchMetadata(cands []*Candidate, opts metadataOptions) {
	cache := loadCache(opts.cachePath)
	type call struct {
		c   *Candidate
		out []byte
		err error
	}
	var calls []*call
	var wg sync.WaitGroup
	for _, c := range cands {
		if !c.runnable() {
			continue
		}
		if e, ok := cache.lookup(c); ok {
			switch d := e.timedOut(); {
			case d == 0:
				applyMetadata(c, []byte(e.Output))
				continue
			case d >= opts.timeout:
				c.Status, c.Reason = statusInvalid, "metadata call "+describeRunError(errTimedOut, d)
				continue
			}
			// It ran out of a shorter timeout than it has now: ask again.
		}
		cl := &call{c: c}
		calls = append(calls, cl)
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl.out, cl.err = runCapped(context.Background(), c.Path, []string{protocol.MetadataCommand}, opts.env, opts.timeout)
		}()
	}
	wg.Wait()
	for _, cl := range calls {
		if cl.err != nil {
			cl.c.Status, cl.c.Reason = statusInvalid, "metadata call "+describeRunError(cl.err, opts.timeout)
			if errors.Is(cl.err, errTimedOut) {
				cache.storeTimeout(cl.c, opts.timeout)
			}
			// Other failures (a failed start, a crash, a flood) are quick to meet again, and
			// may not happen next time: not cached.
			continue
		}
		// Exit 0 with output: the plugin's definitive answer, good or bad.
		cache.store(cl.c, cl.out)
		applyMetadata(cl.c, cl.out)
	}
	cache.save()
}

// applyMetadata checks a plugin's answer and records it on c.
func applyMetadata(c *Candidate, out []byte) {
	m, err := protocol.ParseMetadata(out, c.Name)
	if err != nil {
		c.Status, c.Reason = statusInvalid, "bad metadata: "+err.Error()
		return
	}
	c.Meta = m
}

// describeRunError says in a few words why a runCapped call failed.
func describeRunError(err error, timeout time.Duration) string {
	var ee *exec.ExitError
	switch {
	case errors.Is(err, errTimedOut):
		return fmt.Sprintf("timed out after %v", timeout)
	case errors.Is(err, errTooMuchOutput):
		return err.Error()
	case errors.Is(err, exec.ErrWaitDelay):
		return "exited but left a process holding its output"
	case errors.As(err, &ee):
		msg := ""
		if ee.Exited() {
			msg = fmt.Sprintf("exited with status %d", ee.ExitCode())
		} else {
			msg = "was killed: " + ee.String()
		}
		if line := firstLine(ee.Stderr); line != "" {
			msg += ": " + line
		}
		return msg
	default:
		return "failed: " + err.Error()
	}
}

// firstLine is the first non-empty line of b, shortened for a one-line reason.
func firstLine(b []byte) string {
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > 120 {
				line = line[:120] + "..."
			}
			return line
		}
	}
	return ""
}

// runCapped runs path with args (argv[0] its base name, stdin empty) and returns its stdout.
// It gives the plugin at most timeout and maxOutput bytes of stdout. The plugin runs in a
// process group of its own, and on timeout or overflow the whole group is killed, so a
// grandchild (say `sleep 100`) dies with it; WaitDelay covers one that escaped the group
// but still holds the pipe. A non-zero exit is an *exec.ExitError carrying up to 4 KiB of
// stderr.
func runCapped(ctx context.Context, path string, args, env []string, timeout time.Duration) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	stdout := &cappedBuffer{limit: maxOutput, overflow: cancel}
	stderr := &cappedBuffer{limit: 4 << 10}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Args[0] = filepath.Base(path)
	cmd.Env = env
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	killGroupOnCancel(cmd)

	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The plugin exited but its group still holds the pipe: do not leave it behind.
		killGroup(cmd)
	}
	switch {
	case stdout.overflowed:
		return nil, errTooMuchOutput
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, errTimedOut
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ee.Stderr = stderr.Bytes()
		}
		return nil, err
	}
	return stdout.Bytes(), nil
}

// cappedBuffer keeps at most limit bytes. Past the limit it calls overflow (which kills the
// plugin) and fails the write, so exec stops reading and closes the pipe. A buffer without
// overflow drops the excess silently (stderr is only for a hint). The buffer is a field, not
// embedded: an embedded bytes.Buffer's ReadFrom would let io.Copy bypass Write.
type cappedBuffer struct {
	buf        bytes.Buffer
	limit      int
	overflow   func()
	overflowed bool
}

func (b *cappedBuffer) Bytes() []byte { return b.buf.Bytes() }

func (b *cappedBuffer) Write(p []byte) (int, error) {
	room := b.limit - b.buf.Len()
	if len(p) <= room {
		return b.buf.Write(p)
	}
	b.buf.Write(p[:max(room, 0)])
	if b.overflow == nil {
		return len(p), nil
	}
	b.overflowed = true
	b.overflow()
	return 0, errTooMuchOutput
}
