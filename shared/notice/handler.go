package notice

import (
	"net/http"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the freeze and announcement routes.
type Handler struct {
	Notices  *Service
	Sessions *session.Service
}

// Register mounts the routes on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("GET /v1/freezes", h.listFreezes)
	rt.Handle("POST /v1/freezes", h.Sessions.Require(h.admin(h.createFreeze)))
	rt.Handle("PATCH /v1/freezes/{id}", h.Sessions.Require(h.admin(h.rescheduleFreeze)))
	rt.Handle("DELETE /v1/freezes/{id}", h.Sessions.Require(h.admin(h.deleteFreeze)))
	rt.Handle("GET /v1/announcements", h.listAnnouncements)
	rt.Handle("POST /v1/announcements", h.Sessions.Require(h.admin(h.createAnnouncement)))
	rt.Handle("PATCH /v1/announcements/{id}", h.Sessions.Require(h.admin(h.editAnnouncement)))
	rt.Handle("DELETE /v1/announcements/{id}", h.Sessions.Require(h.admin(h.withdrawAnnouncement)))
}

func (h *Handler) admin(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := accounts.Decide(accounts.PrincipalOf(session.From(r.Context())), accounts.Administer, true, ""); err != nil {
			return err
		}
		return next(w, r)
	}
}

func (h *Handler) createFreeze(w http.ResponseWriter, r *http.Request) error {
	var req FreezeRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	f, err := req.Validate(h.Notices.Now())
	if err != nil {
		return err
	}
	created, err := h.Notices.CreateFreeze(r.Context(), session.From(r.Context()).UserID, f)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, created)
	return nil
}

func (h *Handler) rescheduleFreeze(w http.ResponseWriter, r *http.Request) error {
	var req FreezeEdit
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	f, err := h.Notices.RescheduleFreeze(r.Context(), session.From(r.Context()).UserID, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, f)
	return nil
}

func (h *Handler) deleteFreeze(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notices.DeleteFreeze(r.Context(), session.From(r.Context()).UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) listFreezes(w http.ResponseWriter, r *http.Request) error {
	fs, err := h.Notices.Freezes(r.Context())
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"freezes": fs})
	return nil
}
