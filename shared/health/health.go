// Package health answers GET /v1/health: 200 when the table answers, 503 when
// it does not.
package health

import (
	"context"
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// Pinger is what the health check needs from the store.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Timeout bounds how long the health check waits for the table.
const Timeout = 2 * time.Second

// Handler returns the GET /v1/health handler.
func Handler(p Pinger) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), Timeout)
		defer cancel()
		if err := p.Ping(ctx); err != nil {
			return fault.Wrap(fault.Unavailable, "store_unavailable", "the data store does not answer", err)
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	}
}

// Register mounts the health route on rt.
func Register(rt *httpapi.Router, p Pinger) {
	rt.Handle("GET /v1/health", Handler(p))
}
