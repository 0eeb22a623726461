package notice

import (
	"net/http"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

func (h *Handler) createAnnouncement(w http.ResponseWriter, r *http.Request) error {
	var req AnnouncementRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	a, err := req.Validate(h.Notices.Now())
	if err != nil {
		return err
	}
	created, err := h.Notices.CreateAnnouncement(r.Context(), session.From(r.Context()).UserID, a)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, created)
	return nil
}

func (h *Handler) editAnnouncement(w http.ResponseWriter, r *http.Request) error {
	var req AnnouncementEdit
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	a, err := h.Notices.EditAnnouncement(r.Context(), session.From(r.Context()).UserID, r.PathValue("id"), req)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (h *Handler) withdrawAnnouncement(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notices.WithdrawAnnouncement(r.Context(), session.From(r.Context()).UserID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// listAnnouncements answers anyone: without a session (or with one that no
// longer works) only the announcements for everyone; a member also those
// aimed at them; staff all. ?upcoming=true adds, for admins, those still to
// come.
func (h *Handler) listAnnouncements(w http.ResponseWriter, r *http.Request) error {
	v, admin, err := h.viewer(r)
	if err != nil {
		return err
	}
	as, err := h.Notices.Announcements(r.Context(), v, admin && r.URL.Query().Get("upcoming") == "true")
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"announcements": as})
	return nil
}

// viewer is who asks, from the request's session if it has a live one.
func (h *Handler) viewer(r *http.Request) (v Viewer, admin bool, err error) {
	token := session.TokenFrom(r)
	if token == "" {
		return Viewer{}, false, nil
	}
	sess, err := h.Sessions.Authenticate(r.Context(), token)
	if fault.Is(err, fault.Unauthenticated) {
		return Viewer{}, false, nil // a stale cookie still shows the public notices
	}
	if err != nil {
		return Viewer{}, false, err
	}
	p := accounts.PrincipalOf(sess)
	if p.Staff() {
		return Viewer{Staff: true}, p.StaffRole == identity.Admin, nil
	}
	ms, err := identity.Memberships{Store: h.Notices.Store}.Of(r.Context(), p.UserID)
	return Viewer{Memberships: ms}, false, err
}
