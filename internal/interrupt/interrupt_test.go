//go:build unix

package interrupt

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// A signal reaches a context that something waits on, and a context derived from it.
func TestSignalCancelsOnceWaitedOn(t *testing.T) {
	ctx, stop := NotifyContext(syscall.SIGUSR1)
	defer stop()
	if ctx.Err() != nil {
		t.Fatalf("Err before any signal: %v", ctx.Err())
	}
	child, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-child.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGUSR1 did not cancel the derived context")
	}
	if !errors.Is(ctx.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("Err after the signal: %v, derived %v; want context.Canceled", ctx.Err(), child.Err())
	}
}

func TestStop(t *testing.T) {
	ctx, stop := NotifyContext(syscall.SIGUSR1)
	stop()
	stop()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err after stop, before any wait: %v", ctx.Err())
	}
	select {
	case <-ctx.Done():
	default:
		t.Error("Done is not closed after stop")
	}

	ctx, stop = NotifyContext(syscall.SIGUSR1)
	<-func() <-chan struct{} { go stop(); return ctx.Done() }()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Errorf("Err after stop while waiting: %v", ctx.Err())
	}
}

// Until something waits on the context no handler is installed, so SIGTERM ends the
// process as if the context did not exist; once something waits, the context catches it.
// Checked in a child process, which is this test binary run again.
func TestNoHandlerUntilWaitedOn(t *testing.T) {
	switch os.Getenv("INTERRUPT_TEST_CHILD") {
	case "idle":
		ctx, stop := NotifyContext(syscall.SIGTERM)
		defer stop()
		_ = ctx.Err()
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(10 * time.Second) // the signal ends the process before this does
		os.Exit(3)
	case "waiting":
		ctx, stop := NotifyContext(syscall.SIGTERM)
		defer stop()
		done := ctx.Done()
		_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-done:
			os.Exit(4)
		case <-time.After(10 * time.Second):
			os.Exit(5)
		}
	}
	for child, want := range map[string]string{"idle": "signal: terminated", "waiting": "exit status 4"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoHandlerUntilWaitedOn$")
		cmd.Env = append(os.Environ(), "INTERRUPT_TEST_CHILD="+child)
		err := cmd.Run()
		if err == nil || err.Error() != want {
			t.Errorf("%s: the child ended with %v, want %s", child, err, want)
		}
	}
}
