# Conveniences; CI (.ci/run) needs only Go.
FUZZTIME ?= 30s

.PHONY: install test bench fuzz
install:
	CGO_ENABLED=0 GOBIN="$(CURDIR)/bin" go install -trimpath -ldflags='-s -w' -tags urfave_cli_no_docs,nethttpomithttp2 ./cmd/...

test:
	go test -race ./...

# BENCHMARKS.md, made by one command.
bench:
	go run ./bench -n 50 -o BENCHMARKS.md

# Each fuzz target for FUZZTIME; crashers land in testdata/fuzz/ and stay as regression cases.
fuzz:
	go test -run '^$$' -fuzz '^FuzzParseKey$$' -fuzztime $(FUZZTIME) ./pkg/ablyauth
	go test -run '^$$' -fuzz '^FuzzParseCapability$$' -fuzztime $(FUZZTIME) ./pkg/ablyauth
	go test -run '^$$' -fuzz '^FuzzLoad$$' -fuzztime $(FUZZTIME) ./pkg/config
	go test -run '^$$' -fuzz '^FuzzParseMetadata$$' -fuzztime $(FUZZTIME) ./pkg/protocol
	go test -run '^$$' -fuzz '^FuzzValidGroupName$$' -fuzztime $(FUZZTIME) ./pkg/protocol
	go test -run '^$$' -fuzz '^FuzzTime$$' -fuzztime $(FUZZTIME) ./internal/timeparse
	go test -run '^$$' -fuzz '^FuzzDuration$$' -fuzztime $(FUZZTIME) ./internal/timeparse
	go test -run '^$$' -fuzz '^FuzzParseCapabilityFlag$$' -fuzztime $(FUZZTIME) ./internal/authcli
	go test -run '^$$' -fuzz '^FuzzParseKeyRef$$' -fuzztime $(FUZZTIME) ./internal/authcli
