package reminder

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
)

// Handler serves POST /v1/jobs/annual-review-reminders: an admin runs the
// job for a day, as the schedule does daily; and POST /v1/jobs/notice-emails:
// an admin sends the pending freeze notices at once, without waiting for the
// schedule. The accounts function serves them; the reminders function runs
// the Job alone.
type Handler struct {
	Job *Job
	// AdminOnly lets a request through to the route only for a signed-in
	// admin: without a session 401, anyone else 403. The wiring passes the
	// sessions' check and the accounts' authorisation point, so that this
	// package, which the reminders function links, links neither.
	AdminOnly func(httpapi.HandlerFunc) httpapi.HandlerFunc
}

// Register mounts the route on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/jobs/annual-review-reminders", h.AdminOnly(h.run))
	rt.Handle("POST /v1/jobs/notice-emails", h.AdminOnly(h.runNotices))
}

func (h *Handler) runNotices(w http.ResponseWriter, r *http.Request) error {
	res, err := h.Job.SendNotices(r.Context())
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
	return nil
}

// RunRequest is the body of the job route.
type RunRequest struct {
	AsOf string `json:"asOf"`
}

func (h *Handler) run(w http.ResponseWriter, r *http.Request) error {
	var req RunRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	day, err := time.Parse(dateLayout, req.AsOf)
	if err != nil {
		return fault.Field("asOf", "must be a date as YYYY-MM-DD")
	}
	res, err := h.Job.Run(r.Context(), day)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
	return nil
}

// Scheduled is the reminders Lambda's handler: it sends the pending freeze
// notices (Result.Notices) in at most half the invocation's time, so that a
// large mail-out cannot starve the reminders, then the reminders of the day
// the EventBridge schedule's event time names.
func (j *Job) Scheduled(ctx context.Context, ev events.EventBridgeEvent) (Result, error) {
	day := ev.Time
	if day.IsZero() {
		day = time.Now()
	}
	nctx := ctx
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		nctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Until(deadline)/2))
		defer cancel()
	}
	notices, nerr := j.SendNotices(nctx)
	res, err := j.Run(ctx, day)
	res.Notices = &notices
	return res, errors.Join(nerr, err)
}
