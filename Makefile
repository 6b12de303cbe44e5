# Shortcuts for the commands README.md gives; CI runs .ci/run.
.PHONY: install test interop-deps ci

# The suite, as README.md's first command installs it, into ./bin.
install:
	CGO_ENABLED=0 GOBIN="$(CURDIR)/bin" go install -trimpath -ldflags='-s -w' -tags urfave_cli_no_docs,nethttpomithttp2 ./cmd/...

# Ably's JavaScript SDK for the interop tests (interop/), from the npm registry.
interop-deps:
	npm ci --prefix interop --no-audit --no-fund

# The tests; the interop tests run when interop-deps has been made, and skip otherwise.
test:
	go test ./...

ci:
	bash .ci/run
