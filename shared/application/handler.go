package application

import (
	"net/http"
	"slices"
	"strings"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the programme application's routes (the accounts
// function).
type Handler struct {
	Applications *Service
	Sessions     *session.Service
}

// Register mounts the routes on rt. Every route runs with a session; the
// service decides who may do what.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/applications", h.with(h.submit))
	rt.Handle("GET /v1/applications/mine", h.with(h.mine))
	rt.Handle("GET /v1/applications", h.with(h.list))
	rt.Handle("GET /v1/applications/{id}", h.with(h.get))
	rt.Handle("POST /v1/applications/{id}/decision", h.with(h.decide))
}

type principalFunc func(w http.ResponseWriter, r *http.Request, p accounts.Principal) error

// with requires a session and passes on the principal it names.
func (h *Handler) with(f principalFunc) httpapi.HandlerFunc {
	return h.Sessions.Require(func(w http.ResponseWriter, r *http.Request) error {
		return f(w, r, accounts.PrincipalOf(session.From(r.Context())))
	})
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	var req Request
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	fl, err := req.Validate()
	if err != nil {
		return err
	}
	app, err := h.Applications.Submit(r.Context(), p, fl)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"id": app.ID, "status": app.Status})
	return nil
}

func (h *Handler) mine(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	apps, err := h.Applications.Mine(r.Context(), p)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"applications": apps})
	return nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = Pending
	}
	if !slices.Contains(Statuses, status) {
		return fault.New(fault.Invalid, "invalid_status", "status must be one of "+strings.Join(Statuses, ", "))
	}
	cursor, limit, err := audit.PageQuery(r)
	if err != nil {
		return err
	}
	page, err := h.Applications.List(r.Context(), p, status, cursor, limit)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	app, err := h.Applications.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, app)
	return nil
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	var req DecisionRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	d, err := req.Validate()
	if err != nil {
		return err
	}
	app, err := h.Applications.Decide(r.Context(), p, r.PathValue("id"), d)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, app)
	return nil
}
