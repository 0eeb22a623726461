package accounts

import (
	"net/http"
	"strings"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the routes of the accounts function.
type Handler struct {
	Accounts *Service
	Sessions *session.Service
	Audit    *audit.Log
	// Limiter limits the invitation sign-up (it hashes four secrets) per
	// source address.
	Limiter identity.Limiter
}

// Register mounts the routes on rt. Every route but the invitation sign-up
// (whose token is the credential) runs with a session and asks Authorize
// (directly or through the service) before it reads or writes.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/organizations", h.with(h.createOrganization))
	rt.Handle("GET /v1/organizations/{orgId}", h.with(h.getOrganization))
	rt.Handle("POST /v1/organizations/{orgId}/accounts", h.with(h.createAccount))
	rt.Handle("POST /v1/organizations/{orgId}/links", h.with(h.link))
	rt.Handle("DELETE /v1/organizations/{orgId}/links/{linkId}", h.with(h.unlink))
	rt.Handle("POST /v1/organizations/{orgId}/links/{linkId}/decision", h.with(h.decideLink))
	rt.Handle("POST /v1/accounts/{accountId}/invitations", h.with(h.invite))
	rt.Handle("POST /v1/invitations/{token}/accept", h.with(h.accept))
	rt.Handle("POST /v1/invitations/{token}/sign-up", h.Limiter.Wrap("invitation-sign-up", h.signUpFromInvitation))
	rt.Handle("GET /v1/accounts/{accountId}", h.with(h.getAccount))
	rt.Handle("POST /v1/accounts/{accountId}/suspend", h.with(h.suspend))
	rt.Handle("POST /v1/accounts/{accountId}/reinstate", h.with(h.reinstate))
	rt.Handle("GET /v1/accounts/{accountId}/users", h.with(h.users))
	rt.Handle("POST /v1/accounts/{accountId}/users/{userId}/deactivate", h.with(h.deactivate))
	rt.Handle("PUT /v1/accounts/{accountId}/users/{userId}/role", h.with(h.changeRole))
	rt.Handle("GET /v1/accounts/{accountId}/audit", h.with(h.accountAudit))
	rt.Handle("POST /v1/accounts/{accountId}/owner-change-requests", h.with(h.applyOwnerChange))
	rt.Handle("GET /v1/owner-change-requests", h.with(h.ownerChanges))
	rt.Handle("POST /v1/owner-change-requests/{id}/decision", h.with(h.decideOwnerChange))
	rt.Handle("POST /v1/legacy-sync", h.with(h.legacySync))
}

// LegacySyncRequest is the body of POST /v1/legacy-sync.
type LegacySyncRequest struct {
	LegacyUserID   string `json:"legacyUserId"`
	LegacyPassword string `json:"legacyPassword"`
}

// Validate checks the request's shape.
func (l LegacySyncRequest) Validate() error {
	var p problems
	if strings.TrimSpace(l.LegacyUserID) == "" || len(l.LegacyUserID) > 64 {
		p.Add("legacyUserId", "is required, at most 64 characters")
	}
	if l.LegacyPassword == "" || len(l.LegacyPassword) > 1024 {
		p.Add("legacyPassword", "is required, at most 1024 bytes")
	}
	return p.Err()
}

func (h *Handler) legacySync(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req LegacySyncRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	added, err := h.Accounts.SyncLegacy(r.Context(), p, strings.TrimSpace(req.LegacyUserID), req.LegacyPassword,
		identity.Client{IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"memberships": added})
	return nil
}

// ownerChangeMinDuration is the least time filing an owner-change
// application takes, so that the owners' emails (sent only when the account
// exists) do not show on the clock.
const ownerChangeMinDuration = 250 * time.Millisecond

func (h *Handler) applyOwnerChange(w http.ResponseWriter, r *http.Request, p Principal) error {
	var app OwnerChangeApplication
	if err := httpapi.DecodeJSON(r, &app); err != nil {
		return err
	}
	app, err := app.Validate(h.Accounts.Now().UTC())
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := h.Accounts.ApplyOwnerChange(r.Context(), p, r.PathValue("accountId"), app); err != nil {
		return err
	}
	time.Sleep(time.Until(start.Add(ownerChangeMinDuration)))
	// The same answer whether or not the account exists.
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"status": "accepted",
		"message": "Your application was received. If the account id is right, an administrator reviews it and you will hear the decision by email."})
	return nil
}

func (h *Handler) ownerChanges(w http.ResponseWriter, r *http.Request, p Principal) error {
	status := r.URL.Query().Get("status")
	if status == "" {
		status = "pending"
	}
	if status != "pending" && status != "approved" && status != "rejected" {
		return fault.New(fault.Invalid, "invalid_status", "status must be pending, approved or rejected")
	}
	reqs, err := h.Accounts.OwnerChangeRequests(r.Context(), p, status)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"requests": reqs})
	return nil
}

// DecisionRequest is the body of POST /v1/owner-change-requests/{id}/decision.
type DecisionRequest struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// Validate checks the decision and the comment.
func (d DecisionRequest) Validate() error {
	var p problems
	if d.Decision != "approve" && d.Decision != "reject" {
		p.Add("decision", "must be approve or reject")
	}
	if len(d.Comment) > MaxJustification {
		p.Add("comment", "is longer than %d characters", MaxJustification)
	}
	return p.Err()
}

func (h *Handler) decideOwnerChange(w http.ResponseWriter, r *http.Request, p Principal) error {
	var d DecisionRequest
	if err := httpapi.DecodeJSON(r, &d); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if err := h.Accounts.DecideOwnerChange(r.Context(), p, r.PathValue("id"), d.Decision, strings.TrimSpace(d.Comment)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// principalFunc is a handler that knows who is asking.
type principalFunc func(w http.ResponseWriter, r *http.Request, p Principal) error

// with requires a session and passes on the principal it names.
func (h *Handler) with(f principalFunc) httpapi.HandlerFunc {
	return h.Sessions.Require(func(w http.ResponseWriter, r *http.Request) error {
		r = r.WithContext(withClient(r.Context(), httpapi.ClientIP(r), r.UserAgent()))
		return f(w, r, PrincipalOf(session.From(r.Context())))
	})
}

// AdminOnly guards a route that another package serves for admins alone:
// without a session it is 401, for anyone but an admin 403 (Decide's rule
// for Administer). The reminder job's route takes it, so that the reminder
// package links neither the sessions nor this package.
func AdminOnly(sessions *session.Service) func(httpapi.HandlerFunc) httpapi.HandlerFunc {
	return func(next httpapi.HandlerFunc) httpapi.HandlerFunc {
		return sessions.Require(func(w http.ResponseWriter, r *http.Request) error {
			if err := Decide(PrincipalOf(session.From(r.Context())), Administer, true, ""); err != nil {
				return err
			}
			return next(w, r)
		})
	}
}

// PrincipalOf is the principal a session names.
func PrincipalOf(s session.Session) Principal {
	return Principal{UserID: s.UserID, Email: s.Email, Name: s.Name, StaffRole: identity.StaffRole(s.StaffRole)}
}

func (h *Handler) createOrganization(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req OrganizationRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	name, err := req.Validate()
	if err != nil {
		return err
	}
	o, err := h.Accounts.CreateOrganization(r.Context(), p, name)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"id": o.ID})
	return nil
}

func (h *Handler) getOrganization(w http.ResponseWriter, r *http.Request, p Principal) error {
	v, err := h.Accounts.GetOrganization(r.Context(), p, r.PathValue("orgId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *Handler) createAccount(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req AccountRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	na, err := req.Validate()
	if err != nil {
		return err
	}
	acc, err := h.Accounts.CreateAccount(r.Context(), p, r.PathValue("orgId"), na)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"id": acc.ID, "reviewDueDate": acc.ReviewDueDate})
	return nil
}

func (h *Handler) link(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req LinkRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	nl, err := req.Validate()
	if err != nil {
		return err
	}
	l, err := h.Accounts.LinkAccounts(r.Context(), p, r.PathValue("orgId"), nl)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (h *Handler) decideLink(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req LinkDecision
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	comment, err := req.Validate()
	if err != nil {
		return err
	}
	l, err := h.Accounts.DecideLink(r.Context(), p, r.PathValue("orgId"), r.PathValue("linkId"), req.Decision, comment)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, l)
	return nil
}

func (h *Handler) unlink(w http.ResponseWriter, r *http.Request, p Principal) error {
	if err := h.Accounts.UnlinkAccounts(r.Context(), p, r.PathValue("orgId"), r.PathValue("linkId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) invite(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req InvitationRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	email, err := req.Validate()
	if err != nil {
		return err
	}
	if err := h.Accounts.Invite(r.Context(), p, r.PathValue("accountId"), email, req.Role); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]string{"email": email, "role": req.Role, "status": "invited"})
	return nil
}

func (h *Handler) accept(w http.ResponseWriter, r *http.Request, p Principal) error {
	m, err := h.Accounts.Accept(r.Context(), p, r.PathValue("token"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"membership": m})
	return nil
}

// invitationSignUpResponse is a sign-in's answer with the membership the
// invitation gave.
type invitationSignUpResponse struct {
	Token      string               `json:"token"`
	ExpiresAt  string               `json:"expiresAt"`
	User       identity.View        `json:"user"`
	Membership *identity.Membership `json:"membership"`
}

func (h *Handler) signUpFromInvitation(w http.ResponseWriter, r *http.Request) error {
	var req InvitationSignUpRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	c := identity.Client{IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()}
	u, m, err := h.Accounts.SignUpFromInvitation(r.Context(), r.PathValue("token"), req, c)
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
	httpapi.WriteJSON(w, http.StatusCreated, invitationSignUpResponse{
		Token: token, ExpiresAt: expires.Format(time.RFC3339), User: u.ViewAt(h.Accounts.Now()), Membership: m,
	})
	return nil
}

func (h *Handler) users(w http.ResponseWriter, r *http.Request, p Principal) error {
	us, err := h.Accounts.ListUsers(r.Context(), p, r.PathValue("accountId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"users": us})
	return nil
}

func (h *Handler) deactivate(w http.ResponseWriter, r *http.Request, p Principal) error {
	if err := h.Accounts.Deactivate(r.Context(), p, r.PathValue("accountId"), r.PathValue("userId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) changeRole(w http.ResponseWriter, r *http.Request, p Principal) error {
	var req RoleRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	if err := h.Accounts.ChangeRole(r.Context(), p, r.PathValue("accountId"), r.PathValue("userId"), req.Role); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) accountAudit(w http.ResponseWriter, r *http.Request, p Principal) error {
	accountID := r.PathValue("accountId")
	if _, _, err := h.Accounts.Authorize(r.Context(), p, accountID, ManageUsers); err != nil {
		return err
	}
	cursor, limit, err := audit.PageQuery(r)
	if err != nil {
		return err
	}
	page, err := h.Audit.ForAccount(r.Context(), accountID, cursor, limit)
	if err != nil {
		return err
	}
	view, err := h.Accounts.AuditView(r.Context(), p, page)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, view)
	return nil
}
