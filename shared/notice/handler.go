package notice

import (
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
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
	rt.Handle("DELETE /v1/freezes/{id}", h.Sessions.Require(h.admin(h.deleteFreeze)))
	rt.Handle("GET /v1/announcements", h.listAnnouncements)
	rt.Handle("POST /v1/announcements", h.Sessions.Require(h.admin(h.createAnnouncement)))
}

func (h *Handler) admin(next httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := accounts.Decide(accounts.PrincipalOf(session.From(r.Context())), accounts.Administer, true, ""); err != nil {
			return err
		}
		return next(w, r)
	}
}

// FreezeRequest is the body of POST /v1/freezes.
type FreezeRequest struct {
	StartsAt string `json:"startsAt"`
	EndsAt   string `json:"endsAt"`
	Message  string `json:"message"`
}

// window checks an RFC 3339 window that has not ended yet.
func window(p *fault.Fields, starts, ends string, now time.Time) (time.Time, time.Time) {
	s, err1 := time.Parse(time.RFC3339, starts)
	if err1 != nil {
		p.Add("startsAt", "must be a time as RFC 3339 (2027-01-15T20:00:00Z)")
	}
	e, err2 := time.Parse(time.RFC3339, ends)
	if err2 != nil {
		p.Add("endsAt", "must be a time as RFC 3339 (2027-01-15T22:00:00Z)")
	}
	if err1 == nil && err2 == nil {
		if !e.After(s) {
			p.Add("endsAt", "must be after startsAt")
		} else if !e.After(now) {
			p.Add("endsAt", "is in the past")
		}
	}
	return s.UTC(), e.UTC()
}

func text(p *fault.Fields, field, s string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > max {
		p.Add(field, "is required, at most %d characters", max)
	}
	return s
}

func (h *Handler) createFreeze(w http.ResponseWriter, r *http.Request) error {
	var req FreezeRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	var p fault.Fields
	s, e := window(&p, req.StartsAt, req.EndsAt, h.Notices.Now())
	msg := text(&p, "message", req.Message, 500)
	if err := p.Err(); err != nil {
		return err
	}
	f, err := h.Notices.CreateFreeze(r.Context(), session.From(r.Context()).UserID, Freeze{StartsAt: s, EndsAt: e, Message: msg})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, f)
	return nil
}

func (h *Handler) deleteFreeze(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notices.DeleteFreeze(r.Context(), r.PathValue("id")); err != nil {
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

// AnnouncementRequest is the body of POST /v1/announcements.
type AnnouncementRequest struct {
	Title    string `json:"title"`
	Body     string `json:"body"`
	Severity string `json:"severity"`
	StartsAt string `json:"startsAt"`
	EndsAt   string `json:"endsAt"`
}

func (h *Handler) createAnnouncement(w http.ResponseWriter, r *http.Request) error {
	var req AnnouncementRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	var p fault.Fields
	title := text(&p, "title", req.Title, 200)
	body := text(&p, "body", req.Body, 4000)
	if !slices.Contains(Severities, req.Severity) {
		p.Add("severity", "must be one of %s", strings.Join(Severities, ", "))
	}
	s, e := window(&p, req.StartsAt, req.EndsAt, h.Notices.Now())
	if err := p.Err(); err != nil {
		return err
	}
	a, err := h.Notices.CreateAnnouncement(r.Context(), Announcement{Title: title, Body: body, Severity: req.Severity, StartsAt: s, EndsAt: e})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (h *Handler) listAnnouncements(w http.ResponseWriter, r *http.Request) error {
	as, err := h.Notices.Announcements(r.Context())
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"announcements": as})
	return nil
}
