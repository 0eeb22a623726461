package reset

import (
	"net/http"
	"time"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the routes of the password-reset function.
type Handler struct {
	Resets   *Service
	Users    *identity.Service
	Sessions *session.Service
	// Limiter limits reset requests (they send mail) per source address.
	Limiter identity.Limiter
}

// Register mounts the routes on rt: the JSON API only. The pages of the
// journey, /forgot-password and /reset-password, are the web function's.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("POST /v1/password-resets", h.Limiter.Wrap("password-reset", h.request))
	rt.Handle("GET /v1/password-resets/{token}", h.questions)
	rt.Handle("POST /v1/password-resets/{token}", h.confirm)
	rt.Handle("POST /v1/me/password", h.Sessions.Require(h.changePassword))
	rt.Handle("PUT /v1/me/security-answers", h.Sessions.Require(h.changeAnswers))
}

func client(r *http.Request) identity.Client {
	return identity.Client{IP: httpapi.ClientIP(r), UserAgent: r.UserAgent()}
}

// RequestBody is the body of POST /v1/password-resets.
type RequestBody struct {
	Email string `json:"email"`
}

// accepted is the one answer to every well-formed request for a link.
var accepted = map[string]string{
	"status":  "accepted",
	"message": "If a user with this email may reset their password, a link is on its way. It works once, for one hour.",
}

func (h *Handler) request(w http.ResponseWriter, r *http.Request) error {
	start := time.Now()
	var req RequestBody
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	// Known and unknown emails get the same answer in the same time.
	err := h.Resets.Request(r.Context(), req.Email, client(r))
	return httpapi.AcceptAlike(w, r, start, h.Resets.Config.MinDuration, accepted, err, fault.Invalid)
}

func (h *Handler) questions(w http.ResponseWriter, r *http.Request) error {
	qs, err := h.Resets.Questions(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"questions": qs})
	return nil
}

// ConfirmBody is the body of POST /v1/password-resets/{token}.
type ConfirmBody struct {
	Answers     []identity.AnswerInput `json:"answers"`
	NewPassword string                 `json:"newPassword"`
}

// Validate checks the shape of a confirmation.
func (b ConfirmBody) Validate() error {
	if err := identity.ValidateAnswers("answers", b.Answers); err != nil {
		return err
	}
	return identity.ValidateNewPassword("newPassword", b.NewPassword)
}

func (h *Handler) confirm(w http.ResponseWriter, r *http.Request) error {
	var body ConfirmBody
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	if err := body.Validate(); err != nil {
		return err
	}
	if err := h.Resets.Confirm(r.Context(), r.PathValue("token"), body.Answers, body.NewPassword, client(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ChangePasswordBody is the body of POST /v1/me/password.
type ChangePasswordBody struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	var body ChangePasswordBody
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	if err := identity.ValidateNewPassword("currentPassword", body.CurrentPassword); err != nil {
		return err
	}
	if err := identity.ValidateNewPassword("newPassword", body.NewPassword); err != nil {
		return err
	}
	sess := session.From(r.Context())
	u, err := h.Users.Get(r.Context(), sess.UserID)
	if err != nil {
		return err
	}
	c := client(r)
	if err := h.Users.VerifyPassword(r.Context(), u, body.CurrentPassword, c); err != nil {
		return err
	}
	if err := h.Users.CheckNewPassword(u, body.NewPassword); err != nil {
		return err
	}
	if err := h.Resets.ChangePassword(r.Context(), identity.PasswordChange{
		User: u, Password: body.NewPassword, KeepSession: sess, Action: audit.PasswordChanged, Client: c,
	}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ChangeAnswersBody is the body of PUT /v1/me/security-answers.
type ChangeAnswersBody struct {
	CurrentPassword string                 `json:"currentPassword"`
	SecurityAnswers []identity.AnswerInput `json:"securityAnswers"`
}

func (h *Handler) changeAnswers(w http.ResponseWriter, r *http.Request) error {
	var body ChangeAnswersBody
	if err := httpapi.DecodeJSON(r, &body); err != nil {
		return err
	}
	if err := identity.ValidateNewPassword("currentPassword", body.CurrentPassword); err != nil {
		return err
	}
	if err := identity.ValidateAnswers("securityAnswers", body.SecurityAnswers); err != nil {
		return err
	}
	u, err := h.Users.Get(r.Context(), session.From(r.Context()).UserID)
	if err != nil {
		return err
	}
	c := client(r)
	if err := h.Users.VerifyPassword(r.Context(), u, body.CurrentPassword, c); err != nil {
		return err
	}
	if err := h.Users.SetAnswers(r.Context(), u, body.SecurityAnswers, c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
