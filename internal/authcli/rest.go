package authcli

import (
	"github.com/urfave/cli/v2"

	"github.com/ably/ably-suite/pkg/dataplane"
	"github.com/ably/ably-suite/pkg/plugin"
	"github.com/ably/ably-suite/pkg/resolve"
	"github.com/ably/ably-suite/pkg/rest"
)

const flagEndpoint = "endpoint"

func endpointFlag() cli.Flag {
	return &cli.StringFlag{Name: flagEndpoint, Usage: "Ably REST API `HOST`: a host name, or a full URL used as the base (default: ABLY_ENDPOINT, the profile's endpoint, else " + rest.DefaultHost + ")"}
}

// openREST sets up the REST client for the endpoint r resolves (--endpoint, ABLY_ENDPOINT,
// the profile's), sending through d's transport. It makes no request. Nothing the commands
// send is retried: a token request is good for one use, and a revocation need not be sent
// twice.
func openREST(d plugin.Deps, r *resolve.Resolver) (*rest.Client, error) {
	return dataplane.RESTClient(d, r, "")
}
