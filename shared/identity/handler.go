package identity

import (
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the identity routes of the auth function.
type Handler struct {
	Users    *Service
	Sessions *session.Service
	Audit    *audit.Log
	// Limiter limits, per source address, the unauthenticated routes that
	// hash a password or send mail.
	Limiter Limiter
}

// Limiter wraps a route so that one client may call it only so often
// (throttle.Limiter). Every handler that mounts an unauthenticated route
// which hashes or mails needs one (identity, reset, accounts).
type Limiter interface {
	Wrap(bucket string, h httpapi.HandlerFunc) httpapi.HandlerFunc
}

// Register mounts the routes on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/users", h.Limiter.Wrap("sign-up", h.signUp))
	rt.Handle("POST /v1/email-verifications", h.Limiter.Wrap("verification-resend", h.resendVerification))
	rt.Handle("POST /v1/email-verifications/{token}", h.verifyEmail)
	rt.Handle("GET /v1/security-questions", h.questions)
	rt.Handle("GET /v1/password-policy", h.policy)
	rt.Handle("POST /v1/sessions", h.Limiter.Wrap("sign-in", h.signIn))
	rt.Handle("DELETE /v1/sessions/current", h.Sessions.Require(h.signOut))
	rt.Handle("GET /v1/sessions", h.Sessions.Require(h.listSessions))
	rt.Handle("DELETE /v1/sessions/{id}", h.Sessions.Require(h.endSession))
	rt.Handle("GET /v1/me", h.Sessions.Require(h.me))
	rt.Handle("POST /v1/users/{userId}/unlock", h.Sessions.Require(h.staff(ActionUnlock)))
	rt.Handle("POST /v1/users/{userId}/suspend", h.Sessions.Require(h.staff(ActionSuspend)))
	rt.Handle("POST /v1/users/{userId}/reinstate", h.Sessions.Require(h.staff(ActionReinstate)))
	rt.Handle("GET /v1/users/{userId}/audit", h.Sessions.Require(h.userAudit))
}

func client(r *http.Request) Client {
	return Client{IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()}
}

// signUpAccepted is the one answer to every well-formed sign-up, whether or
// not the address already has a user.
var signUpAccepted = map[string]string{
	"status":  "accepted",
	"message": "Check your email: we sent a link to confirm the address. Follow it, then sign in.",
}

func (h *Handler) signUp(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	var req SignUpRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	nu, err := req.Validate()
	if err != nil {
		return err
	}
	// A policy refusal is about the password sent, not about the address;
	// a new and a taken address get the same answer in the same time.
	err = h.Users.Register(r.Context(), nu, client(r))
	return httpapi.AcceptAlike(w, r, start, h.Users.Verification.MinDuration, signUpAccepted, err, fault.PolicyRejected)
}

// ResendRequest is the body of POST /v1/email-verifications.
type ResendRequest struct {
	Email string `json:"email"`
}

var resendAccepted = map[string]string{
	"status":  "accepted",
	"message": "If this address is waiting to be confirmed, a new link is on its way.",
}

func (h *Handler) resendVerification(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	var req ResendRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	err := h.Users.ResendVerification(r.Context(), req.Email, client(r))
	return httpapi.AcceptAlike(w, r, start, h.Users.Verification.MinDuration, resendAccepted, err, fault.Invalid)
}

func (h *Handler) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if err := h.Users.VerifyEmail(r.Context(), r.PathValue("token"), client(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) questions(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"questions": Questions})
	return nil
}

func (h *Handler) policy(w http.ResponseWriter, r *http.Request) error {
	p := h.Users.Policy
	httpapi.WriteJSON(w, http.StatusOK, struct {
		password.Policy
		Rules []password.Rule `json:"rules"`
	}{p, p.Rules()})
	return nil
}

type signInResponse struct {
	Token              string `json:"token"`
	ExpiresAt          string `json:"expiresAt"`
	IdleTimeoutSeconds int    `json:"idleTimeoutSeconds"`
	User               View   `json:"user"`
}

func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) error {
	var req SignInRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	u, started, err := h.Users.SignIn(r.Context(), req.Email, req.Password, client(r))
	if err != nil {
		return err
	}
	expires := unix(started.Session.AbsoluteExpiresAt)
	session.SetCookie(w, started.Token, expires)
	httpapi.WriteJSON(w, http.StatusCreated, signInResponse{
		Token: started.Token, ExpiresAt: expires.Format(timeFormat),
		IdleTimeoutSeconds: int(h.Sessions.Config.IdleTimeout.Seconds()), User: u.ViewAt(h.Users.Now()),
	})
	return nil
}

func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) error {
	sess := session.From(r.Context())
	if err := h.Sessions.EndToken(r.Context(), session.TokenFrom(r)); err != nil {
		return err
	}
	h.Users.record(r.Context(), audit.Event{UserID: sess.UserID, ActorID: sess.UserID, Action: audit.SignOut, IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()})
	session.ClearCookie(w)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type sessionView struct {
	ID         string `json:"id"`
	CreatedAt  string `json:"createdAt"`
	LastSeenAt string `json:"lastSeenAt"`
	ExpiresAt  string `json:"expiresAt"`
	UserAgent  string `json:"userAgent"`
	IP         string `json:"ip"`
	Current    bool   `json:"current"`
}

func (h *Handler) listSessions(w http.ResponseWriter, r *http.Request) error {
	cur := session.From(r.Context())
	all, err := h.Sessions.List(r.Context(), cur.UserID)
	if err != nil {
		return err
	}
	out := make([]sessionView, 0, len(all))
	for _, s := range all {
		out = append(out, sessionView{
			ID: s.ID, CreatedAt: s.CreatedAt.Format(timeFormat), LastSeenAt: s.LastSeenAt.Format(timeFormat),
			ExpiresAt: unix(min(s.ExpiresAt, s.AbsoluteExpiresAt)).Format(timeFormat),
			UserAgent: s.UserAgent, IP: s.IP, Current: s.ID == cur.ID,
		})
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"sessions": out})
	return nil
}

func (h *Handler) endSession(w http.ResponseWriter, r *http.Request) error {
	cur := session.From(r.Context())
	if err := h.Sessions.End(r.Context(), cur.UserID, r.PathValue("id")); err != nil {
		return err
	}
	h.Users.record(r.Context(), audit.Event{UserID: cur.UserID, ActorID: cur.UserID, Action: audit.SessionEnded,
		IP: httpapi.ClientIP(r), UserAgent: r.UserAgent(), Details: map[string]string{"sessionId": r.PathValue("id")}})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	u, members, err := h.Users.Me(r.Context(), session.From(r.Context()).UserID)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"user": u.ViewAt(h.Users.Now()), "memberships": members})
	return nil
}

func (h *Handler) staff(a StaffAction) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := h.Users.Act(r.Context(), session.From(r.Context()).UserID, r.PathValue("userId"), a, client(r)); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func (h *Handler) userAudit(w http.ResponseWriter, r *http.Request) error {
	target := r.PathValue("userId")
	if _, _, err := h.Users.staffPairOrSelf(r.Context(), session.From(r.Context()).UserID, target); err != nil {
		return err
	}
	cursor, limit, err := audit.PageQuery(r)
	if err != nil {
		return err
	}
	page, err := h.Audit.ForUser(r.Context(), target, cursor, limit)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}
