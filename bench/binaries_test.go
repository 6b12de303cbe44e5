package main

import "testing"

func TestSizeGoal(t *testing.T) {
	for name, want := range map[string]int64{
		"ably": dispatcherSizeGoal, "ably.exe": dispatcherSizeGoal,
		"ably-emulator": emulatorSizeGoal, "ably-emulator.exe": emulatorSizeGoal,
		"ably-apps": groupSizeGoal, "ably-channels": groupSizeGoal, // raised for Realtime by inspectBinary
	} {
		if got := sizeGoal(name); got != want {
			t.Errorf("sizeGoal(%q) = %d, want %d", name, got, want)
		}
	}
}
