module github.com/ably/ably-suite

go 1.26.8

require (
	github.com/BurntSushi/toml v1.6.0 // the config file is TOML, shared with Ably's official CLI
	github.com/coder/websocket v1.8.15 // the Realtime client's WebSocket transport (pkg/realtime)
	github.com/creack/pty v1.1.24 // the pty script command runs prompts on a real pseudo-terminal (tests only)
	github.com/getkin/kin-openapi v0.153.0 // pkg/fakeserver checks the fake servers' requests and responses against the Control and REST APIs' OpenAPI specs
	github.com/gofrs/flock v0.13.2 // inter-process lock around config read-modify-write (Unix and Windows)
	github.com/golang-jwt/jwt/v5 v5.3.1 // signs Ably JWTs (HS256); tests verify them
	github.com/rogpeppe/go-internal v1.16.0 // testscript: end-to-end tests of the real binaries
	github.com/urfave/cli/v2 v2.27.7 // every plugin's commands, flags and help
	github.com/vmihailenco/msgpack/v5 v5.4.1 // pkg/realtimetest's fake speaks the MessagePack Realtime protocol, ably-js's default (the suite's own client stays JSON)
	golang.org/x/sys v0.49.0 // terminal modes: echo off for hidden prompts, read back by the pty tests
	golang.org/x/term v0.47.0 // TTY detection for colour and prompts
)

require (
	github.com/cpuguy83/go-md2man/v2 v2.0.7 // indirect
	github.com/go-openapi/jsonpointer v0.22.5 // indirect
	github.com/go-openapi/swag/jsonname v0.25.5 // indirect
	github.com/gorilla/mux v1.8.0 // indirect
	github.com/russross/blackfriday/v2 v2.1.0 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	github.com/xrash/smetrics v0.0.0-20240521201337-686a1a2994c1 // indirect
	go.yaml.in/yaml/v4 v4.0.0 // indirect
	golang.org/x/text v0.14.0 // indirect
	golang.org/x/tools v0.26.0 // indirect
)
