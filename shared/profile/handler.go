package profile

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the routes of the profiles function.
type Handler struct {
	Profiles *Service
	Sessions *session.Service
}

// Register mounts the routes on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("GET /v1/criteria", h.with(h.criteria))
	rt.Handle("GET /v1/accounts/{accountId}/profile", h.with(h.get))
	rt.Handle("PUT /v1/accounts/{accountId}/profile/criteria/{criterionId}", h.with(h.save))
	rt.Handle("POST /v1/accounts/{accountId}/profile/submit", h.with(h.submit))
	rt.Handle("POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/review", h.with(h.review))
	rt.Handle("GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/versions", h.with(h.versions))
	rt.Handle("GET /v1/reviews", h.with(h.queue))
	rt.Handle("POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence", h.with(h.startUpload))
	rt.Handle("POST /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}/complete", h.with(h.completeUpload))
	rt.Handle("GET /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", h.with(h.download))
	rt.Handle("DELETE /v1/accounts/{accountId}/profile/criteria/{criterionId}/evidence/{evidenceId}", h.with(h.deleteEvidence))
	rt.Handle("POST /v1/accounts/{accountId}/annual-reviews", h.with(h.openAnnualReview))
	rt.Handle("GET /v1/accounts/{accountId}/documents", h.with(h.documents))
}

func (h *Handler) openAnnualReview(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	n, err := h.Profiles.OpenAnnualReview(r.Context(), p, r.PathValue("accountId"), program)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"program": program, "cycle": n, "status": Draft})
	return nil
}

func (h *Handler) documents(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	docs, err := h.Profiles.Documents(r.Context(), p, r.PathValue("accountId"), program)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"program": program, "documents": docs})
	return nil
}

func (h *Handler) startUpload(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, perr := ProgramParam(r.URL.Query())
	var req EvidenceRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return invalidTogether(perr, err)
	}
	ne, err := req.Validate(h.Profiles.Evidence)
	if err := invalidTogether(perr, err); err != nil {
		return err
	}
	id, up, err := h.Profiles.StartUpload(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), ne)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"evidenceId": id, "upload": up})
	return nil
}

func (h *Handler) completeUpload(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	ref, err := h.Profiles.CompleteUpload(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), r.PathValue("evidenceId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, ref)
	return nil
}

func (h *Handler) download(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	u, err := h.Profiles.DownloadURL(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), r.PathValue("evidenceId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"url": u})
	return nil
}

func (h *Handler) deleteEvidence(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	if err := h.Profiles.DeleteEvidence(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), r.PathValue("evidenceId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type principalFunc func(w http.ResponseWriter, r *http.Request, p accounts.Principal) error

func (h *Handler) with(f principalFunc) httpapi.HandlerFunc {
	return h.Sessions.Require(func(w http.ResponseWriter, r *http.Request) error {
		return f(w, r, accounts.PrincipalOf(session.From(r.Context())))
	})
}

func (h *Handler) criteria(w http.ResponseWriter, r *http.Request, _ accounts.Principal) error {
	program, perr := ProgramParam(r.URL.Query())
	var eterr error
	et := r.URL.Query().Get("entityType")
	if et != "" && !slices.Contains(accounts.EntityTypes, et) {
		eterr = fault.Field("entityType", "must be one of %s", strings.Join(accounts.EntityTypes, ", "))
	}
	if err := invalidTogether(perr, eterr); err != nil {
		return err
	}
	q, _ := criteria.Of(program)
	list := q.Criteria
	if et != "" {
		list = q.ForEntityType(et)
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"program": program, "categories": q.Categories, "criteria": list})
	return nil
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	v, err := h.Profiles.Get(r.Context(), p, r.PathValue("accountId"), program)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
	return nil
}

// SaveRequest is the body of PUT …/profile/criteria/{criterionId}.
type SaveRequest struct {
	Answer    string `json:"answer"`
	Narrative string `json:"narrative"`
	Version   *int   `json:"version"`
}

// Validate checks the answer, the narrative and the version.
func (s SaveRequest) Validate() error {
	var p fault.Fields
	if !slices.Contains(Answers, s.Answer) {
		p.Add("answer", "must be one of %s", strings.Join(Answers, ", "))
	}
	if n := utf8.RuneCountInString(s.Narrative); n > MaxNarrative {
		p.Add("narrative", "is %d characters; the most is %d", n, MaxNarrative)
	}
	if strings.IndexFunc(s.Narrative, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }) >= 0 {
		p.Add("narrative", "contains control characters")
	}
	if s.Version == nil || *s.Version < 0 {
		p.Add("version", "is required: the draft version you read (0 for a first answer)")
	}
	return p.Err()
}

func (h *Handler) save(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, perr := ProgramParam(r.URL.Query())
	var req SaveRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return invalidTogether(perr, err)
	}
	if err := invalidTogether(perr, req.Validate()); err != nil {
		return err
	}
	cv, err := h.Profiles.Save(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), req.Answer, req.Narrative, *req.Version)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, cv)
	return nil
}

func (h *Handler) submit(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	if err := h.Profiles.Submit(r.Context(), p, r.PathValue("accountId"), program); err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusAccepted, map[string]string{"program": program, "status": Submitted})
	return nil
}

// ReviewRequest is the body of POST …/criteria/{criterionId}/review.
type ReviewRequest struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
}

// Validate checks the decision; a return needs a comment saying why.
func (rr ReviewRequest) Validate() error {
	var p fault.Fields
	if rr.Decision != "approve" && rr.Decision != "return" {
		p.Add("decision", "must be approve or return")
	}
	if rr.Decision == "return" && strings.TrimSpace(rr.Comment) == "" {
		p.Add("comment", "is required when returning a criterion: say what to change")
	}
	if utf8.RuneCountInString(rr.Comment) > MaxNarrative {
		p.Add("comment", "is longer than %d characters", MaxNarrative)
	}
	return p.Err()
}

func (h *Handler) review(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, perr := ProgramParam(r.URL.Query())
	var req ReviewRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return invalidTogether(perr, err)
	}
	if err := invalidTogether(perr, req.Validate()); err != nil {
		return err
	}
	cv, err := h.Profiles.Review(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"), req.Decision, strings.TrimSpace(req.Comment))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, cv)
	return nil
}

func (h *Handler) versions(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, err := ProgramParam(r.URL.Query())
	if err != nil {
		return err
	}
	vs, err := h.Profiles.Versions(r.Context(), p, r.PathValue("accountId"), program, r.PathValue("criterionId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"versions": vs})
	return nil
}

func (h *Handler) queue(w http.ResponseWriter, r *http.Request, p accounts.Principal) error {
	program, perr := ProgramParam(r.URL.Query())
	if st := r.URL.Query().Get("status"); st != "" && st != Submitted {
		if perr != nil {
			return invalidTogether(perr, fault.Field("status", "must be submitted"))
		}
		return fault.New(fault.Invalid, "invalid_status", "status must be submitted")
	}
	if perr != nil {
		return perr
	}
	q, err := h.Profiles.Queue(r.Context(), p, program)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"program": program, "reviews": q})
	return nil
}
