package accounts

import (
	"net/http"

	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/session"
)

// DirectoryHandler serves the staff's directory (organisations, accounts
// and users found by name, id or email) and the admins' edits of an
// account, in the accounts function.
type DirectoryHandler struct {
	Accounts *Service
	Sessions *session.Service
}

// Register mounts the routes on rt; every one needs a session.
func (h *DirectoryHandler) Register(rt *httpapi.Router) {
	with := (&Handler{Sessions: h.Sessions}).with
	rt.Handle("GET /v1/users", with(h.findUser))
	rt.Handle("GET /v1/organizations", with(h.findOrganizations))
	rt.Handle("GET /v1/accounts", with(h.findAccounts))
	rt.Handle("PATCH /v1/accounts/{accountId}", with(h.editAccount))
	rt.Handle("PUT /v1/accounts/{accountId}/specialist", with(h.assignSpecialist))
}

func (h *DirectoryHandler) findUser(w http.ResponseWriter, r *http.Request, p Principal) error {
	if !p.Staff() { // before the query is looked at
		return errStaffOnly
	}
	email, err := UserLookupEmail(r.URL.Query())
	if err != nil {
		return err
	}
	rec, err := h.Accounts.FindUser(r.Context(), p, email)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, rec)
	return nil
}

func (h *DirectoryHandler) findOrganizations(w http.ResponseWriter, r *http.Request, p Principal) error {
	if !p.Staff() {
		return errStaffOnly
	}
	q, err := ParseLookup(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := h.Accounts.FindOrganizations(r.Context(), p, q)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (h *DirectoryHandler) findAccounts(w http.ResponseWriter, r *http.Request, p Principal) error {
	if !p.Staff() {
		return errStaffOnly
	}
	q, err := ParseLookup(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := h.Accounts.FindAccounts(r.Context(), p, q)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, page)
	return nil
}

func (h *DirectoryHandler) editAccount(w http.ResponseWriter, r *http.Request, p Principal) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	var req AccountEditRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	ch, err := req.Validate()
	if err != nil {
		return err
	}
	acc, err := h.Accounts.EditAccount(r.Context(), p, r.PathValue("accountId"), ch)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, acc)
	return nil
}

func (h *DirectoryHandler) assignSpecialist(w http.ResponseWriter, r *http.Request, p Principal) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	var req SpecialistRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	id, err := req.Validate()
	if err != nil {
		return err
	}
	acc, err := h.Accounts.AssignSpecialist(r.Context(), p, r.PathValue("accountId"), id)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, acc)
	return nil
}
