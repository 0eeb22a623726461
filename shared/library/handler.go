package library

import (
	"net/http"
	"slices"
	"strings"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/session"
)

// Handler serves the library's routes: reading is public (no session),
// publishing and deleting are for admins.
type Handler struct {
	Library  *Service
	Sessions *session.Service
}

// Register mounts the routes on rt.
func (h *Handler) Register(rt *httpapi.Router) {
	rt.Handle("GET /v1/library", h.list)
	rt.Handle("GET /v1/library/{docId}", h.download)
	rt.Handle("POST /v1/library", h.Sessions.Require(h.admin(h.start)))
	rt.Handle("POST /v1/library/{docId}/complete", h.Sessions.Require(h.admin(h.complete)))
	rt.Handle("DELETE /v1/library/{docId}", h.Sessions.Require(h.admin(h.delete)))
}

// adminFunc is a handler told the admin's user id.
type adminFunc func(w http.ResponseWriter, r *http.Request, by string) error

func (h *Handler) admin(next adminFunc) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p := accounts.PrincipalOf(session.From(r.Context()))
		if err := accounts.Decide(p, accounts.Administer, true, ""); err != nil {
			return err
		}
		return next(w, r, p.UserID)
	}
}

// ParseFilter reads the list's query: category and program, each empty or
// one of the known values (400 naming every other).
func ParseFilter(category, program string) (Filter, error) {
	var p fault.Fields
	if category != "" && !slices.Contains(Categories, category) {
		p.Add("category", "must be one of %s", strings.Join(Categories, ", "))
	}
	if program != "" && !slices.Contains(accounts.Programs, program) {
		p.Add("program", "must be one of %s", strings.Join(accounts.Programs, ", "))
	}
	return Filter{Category: category, Program: program}, p.Err()
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request) error {
	f, err := ParseFilter(r.URL.Query().Get("category"), r.URL.Query().Get("program"))
	if err != nil {
		return err
	}
	docs, err := h.Library.List(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"documents": docs, "categories": Categories})
	return nil
}

func (h *Handler) download(w http.ResponseWriter, r *http.Request) error {
	url, err := h.Library.DownloadURL(r.Context(), r.PathValue("docId"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the link expires in minutes
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"url": url})
	return nil
}

func (h *Handler) start(w http.ResponseWriter, r *http.Request, by string) error {
	var req UploadRequest
	if err := httpapi.DecodeJSON(r, &req); err != nil {
		return err
	}
	nd, err := req.Validate(h.Library.Config.MaxBytes)
	if err != nil {
		return err
	}
	d, up, err := h.Library.StartUpload(r.Context(), by, nd)
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"id": d.ID, "document": d, "upload": up})
	return nil
}

func (h *Handler) complete(w http.ResponseWriter, r *http.Request, by string) error {
	d, err := h.Library.Complete(r.Context(), by, r.PathValue("docId"))
	if err != nil {
		return err
	}
	httpapi.WriteJSON(w, http.StatusOK, d)
	return nil
}

func (h *Handler) delete(w http.ResponseWriter, r *http.Request, by string) error {
	if err := h.Library.Delete(r.Context(), by, r.PathValue("docId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
