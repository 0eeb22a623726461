package accounts

import (
	"context"
	"net/http"

	"github.com/partner-portal/portal/shared/httpapi"
)

// The routes of an account's own item: reading it (who to call, its due
// date and status) and, for admins, suspending and reinstating it.

func (h *Handler) getAccount(w http.ResponseWriter, r *http.Request, p Principal) error {
	v, err := h.Accounts.Account(r.Context(), p, r.PathValue("accountId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (h *Handler) suspend(w http.ResponseWriter, r *http.Request, p Principal) error {
	return h.changeStatus(w, r, p, h.Accounts.Suspend)
}

func (h *Handler) reinstate(w http.ResponseWriter, r *http.Request, p Principal) error {
	return h.changeStatus(w, r, p, h.Accounts.Reinstate)
}

// changeStatus decodes and checks the reason, then makes the change.
func (h *Handler) changeStatus(w http.ResponseWriter, r *http.Request, p Principal,
	change func(ctx context.Context, p Principal, accountID, reason string) error) error {
	var req StatusRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	reason, err := req.Validate()
	if err != nil {
		return err
	}
	if err := change(r.Context(), p, r.PathValue("accountId"), reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
