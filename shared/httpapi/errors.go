// Package httpapi is the portal's HTTP layer: routing with JSON 404 and 405,
// JSON decoding with a body limit, the one place where error kinds become
// statuses and {"error":{"code","message"}} bodies, request ids, structured
// access logs and panic recovery. Every function mounts its handlers through it.
package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/fault"
)

// statusOf maps an error kind to its HTTP status. It is the only such table.
func statusOf(k fault.Kind) int {
	switch k {
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.Unauthenticated:
		return http.StatusUnauthorized
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.NotFound:
		return http.StatusNotFound
	case fault.MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case fault.Conflict:
		return http.StatusConflict
	case fault.Gone:
		return http.StatusGone
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge
	case fault.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case fault.PolicyRejected:
		return http.StatusUnprocessableEntity
	case fault.TooManyRequests:
		return http.StatusTooManyRequests
	case fault.Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

type errorBody struct {
	Error errorPayload `json:"error"`
}

type errorPayload struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details []fault.Detail `json:"details,omitempty"`
}

// WriteError answers with the status and body err's kind calls for. Only
// client-safe codes and messages leave the process; the internal cause of a
// server-side failure is logged with the request id instead.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	fe := fault.As(err)
	status := statusOf(fe.Kind)
	if status >= 500 && fe.Err != nil {
		Logger(r.Context()).Error("request failed", "code", fe.Code, "err", fe.Err.Error())
	}
	if len(fe.Extra) == 0 {
		WriteJSON(w, status, errorBody{Error: errorPayload{Code: fe.Code, Message: fe.Message, Details: fe.Details}})
		return
	}
	payload := map[string]any{"code": fe.Code, "message": fe.Message}
	if len(fe.Details) > 0 {
		payload["details"] = fe.Details
	}
	for k, v := range fe.Extra {
		if _, taken := payload[k]; !taken {
			payload[k] = v
		}
	}
	WriteJSON(w, status, map[string]any{"error": payload})
}

// WriteJSON writes v as the JSON body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a programming error gets here (an unmarshalable type).
		slog.Error("encode response", "err", err.Error())
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"something went wrong on our side"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// AcceptAlike answers 202 with body — the one answer for every outcome past
// the request's own faults — no sooner than floor after start. An err of one
// of the pass kinds (a fault of the request itself, such as an invalid
// address) is returned as it is; any other failure is logged, not shown, so
// that neither the answer nor its time tells one outcome from another (a
// known address from an unknown one).
func AcceptAlike(w http.ResponseWriter, r *http.Request, start time.Time, floor time.Duration, body any, err error, pass ...fault.Kind) error {
	if err != nil {
		for _, k := range pass {
			if fault.Is(err, k) {
				return err
			}
		}
		Logger(r.Context()).Error("request failed; answered like any other", "route", r.Pattern, "err", err.Error())
	}
	time.Sleep(time.Until(start.Add(floor)))
	WriteJSON(w, http.StatusAccepted, body)
	return nil
}
