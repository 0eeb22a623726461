package staff

import (
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the staff routes (the auth function).
type Handler struct {
	Staff    *Service
	Sessions *session.Service
	// AdminOnly guards the admins' routes (accounts.AdminOnly: 401 without
	// a session, 403 for anyone but an admin).
	AdminOnly func(httpapi.HandlerFunc) httpapi.HandlerFunc
	// Limiter limits the sign-up (it hashes four secrets) per source
	// address.
	Limiter identity.Limiter
}

// Register mounts the routes on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/staff/invitations", h.AdminOnly(h.invite))
	rt.Handle("POST /v1/staff-invitations/{token}/sign-up", h.Limiter.Wrap("invitation-sign-up", h.signUp))
	rt.Handle("GET /v1/staff", h.AdminOnly(h.list))
	rt.Handle("PUT /v1/staff/{userId}/role", h.AdminOnly(h.changeRole))
	rt.Handle("DELETE /v1/staff/{userId}", h.AdminOnly(h.remove))
}

func client(r *http.Request) identity.Client {
	return identity.Client{IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()}
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request) error {
	var req InvitationRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	email, role, err := req.Validate()
	if err != nil {
		return err
	}
	iss, err := h.Staff.Invite(r.Context(), session.From(r.Context()), email, role)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"email": iss.Email, "role": string(iss.Role), "status": "invited",
		"expiresAt": time.Unix(iss.ExpiresAt, 0).UTC().Format(time.RFC3339)})
	return nil
}

// signUpResponse is a sign-in's answer.
type signUpResponse struct {
	Token     string        `json:"token"`
	ExpiresAt string        `json:"expiresAt"`
	User      identity.View `json:"user"`
}

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) error {
	var req SignUpRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	c := client(r)
	u, err := h.Staff.SignUp(r.Context(), r.PathValue("token"), req, c)
	if err != nil {
		return err
	}
	token, sess, err := h.Sessions.Create(r.Context(),
		session.Owner{UserID: u.ID, Email: u.Email, Name: u.Name, StaffRole: string(u.StaffRole)}, c.UserAgent, c.IP)
	if err != nil {
		return err
	}
	expires := time.Unix(sess.AbsoluteExpiresAt, 0).UTC()
	session.SetCookie(w, token, expires)
	httpapi.WriteJSON(w, http.StatusCreated, signUpResponse{Token: token, ExpiresAt: expires.Format(time.RFC3339), User: u.ViewAt(h.Staff.Now())})
	return nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := audit.PageQuery(r)
	if err != nil {
		return err
	}
	page, err := h.Staff.List(r.Context(), cursor, limit)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (h *Handler) changeRole(w http.ResponseWriter, r *http.Request) error {
	var req RoleRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	role, err := req.Validate()
	if err != nil {
		return err
	}
	if err := h.Staff.ChangeRole(r.Context(), session.From(r.Context()), r.PathValue("userId"), role, client(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) error {
	if err := h.Staff.Remove(r.Context(), session.From(r.Context()), r.PathValue("userId"), client(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
