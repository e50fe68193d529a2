//go:build pprof

package app

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux
	"os"
)

// A build with -tags pprof (as .ci/loadtest --profile makes) serves Go's
// profiles on HIROBA_PPROF_ADDR, which must be a loopback address; builds
// without the tag have no such listener at all.
func init() {
	addr := os.Getenv("HIROBA_PPROF_ADDR")
	if addr == "" {
		return
	}
	if !Loopback(addr) {
		slog.Error("HIROBA_PPROF_ADDR must be a loopback address; profiles are not served", slog.String("addr", addr))
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof listener", slog.Any("error", err))
		}
	}()
}
