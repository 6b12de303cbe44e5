package main

import (
	"testing"
	"time"

	"github.com/ably/ably-suite/pkg/realtimetest"
	"github.com/ably/ably-suite/pkg/resttest"
)

// The idle connections outlast several pings, and the count notices the server ending them.
func TestOpenIdle(t *testing.T) {
	const key = "benchApp.benchKey:0123456789abcdef0123456789abcdef"
	srv := realtimetest.New(realtimetest.WithMaxIdleInterval(250 * time.Millisecond))
	defer srv.Close()
	srv.AddKey(resttest.Key{Key: key})

	const n = 100
	idle, err := openIdle(srv.URL, key, n)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.close()
	if idle.maxIdle != 250*time.Millisecond {
		t.Errorf("maxIdle = %s, want 250ms", idle.maxIdle)
	}
	time.Sleep(600 * time.Millisecond) // two pings each
	if got := idle.open(); got != n {
		t.Fatalf("%d of %d still connected", got, n)
	}
	live := 0
	for _, c := range srv.Connections() {
		if c.Live {
			live++
		}
	}
	if live != n {
		t.Errorf("the server has %d live connections, want %d", live, n)
	}

	srv.Close()
	deadline := time.Now().Add(5 * time.Second)
	for idle.open() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := idle.open(); got != 0 {
		t.Errorf("%d still counted connected after the server closed", got)
	}
}

func TestOpenIdleRefused(t *testing.T) {
	srv := realtimetest.New()
	defer srv.Close()
	if _, err := openIdle(srv.URL, "nobody.nokey:secret", 5); err == nil {
		t.Fatal("an unknown key opened idle connections")
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
