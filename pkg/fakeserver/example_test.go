package fakeserver_test

import (
	"fmt"
	"net/http"

	"github.com/ably/ably-suite/pkg/fakeserver"
)

// A fake of another API is its handler and its error body; Start adds the log and the
// faults (and, with UseChecker, the spec check).
func Example() {
	api := http.NewServeMux()
	api.HandleFunc("GET /time", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "[1700000000000]")
	})
	srv := fakeserver.Start(fakeserver.Config{
		Handler: api,
		WriteError: func(w http.ResponseWriter, status int, message string) {
			http.Error(w, message, status)
		},
	})
	defer srv.Close()
	srv.AddFault(fakeserver.Fault{Path: "/time", Status: http.StatusServiceUnavailable, Times: 1})

	for range 2 {
		res, err := srv.Client().Get(srv.Origin() + "/time")
		if err != nil {
			fmt.Println(err)
			return
		}
		res.Body.Close()
		fmt.Println(res.Status)
	}
	for _, r := range srv.RequestsMatching("GET", "/time") {
		fmt.Println(r.Method, r.Path, r.Status)
	}
	// Output:
	// 503 Service Unavailable
	// 200 OK
	// GET /time 503
	// GET /time 200
}
