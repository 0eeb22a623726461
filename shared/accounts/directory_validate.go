package accounts

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/nameindex"
)

// Directory pages hold 1 to 100 entries, 20 unless the client says.
const (
	DefaultLookupLimit = 20
	MaxLookupLimit     = 100
	maxIDLength        = 64
)

// ParseLookup reads ?name=&id=&limit=&cursor= of a directory search,
// naming every parameter that is wrong.
func ParseLookup(q url.Values) (Lookup, error) {
	var p problems
	l := Lookup{Name: q.Get("name"), ID: strings.TrimSpace(q.Get("id")), Cursor: q.Get("cursor"), Limit: DefaultLookupLimit}
	if _, err := mail.Name(l.Name); err != nil {
		p.Add("name", "%v", err)
	} else if len(nameindex.Fold(l.Name)) > nameindex.MaxPrefix {
		p.Add("name", "is longer than %d characters", nameindex.MaxPrefix)
	}
	if len(l.ID) > maxIDLength || strings.ContainsFunc(l.ID, func(r rune) bool { return r < '!' || r > '~' }) {
		p.Add("id", "is not an id")
	}
	if l.ID != "" && strings.TrimSpace(l.Name) != "" {
		p.Add("id", "give a name or an id, not both")
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLookupLimit {
			p.Add("limit", "must be a number from 1 to %d", MaxLookupLimit)
		}
		l.Limit = n
	}
	return l, p.Err()
}

// UserLookupEmail reads ?email= of GET /v1/users.
func UserLookupEmail(q url.Values) (string, error) {
	email, err := mail.Normalize(q.Get("email"))
	if err != nil {
		return "", fault.Field("email", "is not a valid email address")
	}
	return email, nil
}

// AccountEditRequest is the body of PATCH /v1/accounts/{accountId}: the
// fields to change, the others left out.
type AccountEditRequest struct {
	Name          *string   `json:"name"`
	EntityType    *string   `json:"entityType"`
	Programs      *[]string `json:"programs"`
	ReviewDueDate *string   `json:"reviewDueDate"`
}

// Validate checks every field sent and names each one that is wrong.
func (r AccountEditRequest) Validate() (account.Changes, error) {
	var p problems
	var ch account.Changes
	if r.Name == nil && r.EntityType == nil && r.Programs == nil && r.ReviewDueDate == nil {
		return ch, fault.New(fault.Invalid, "nothing_to_change", "send at least one of name, entityType, programs and reviewDueDate")
	}
	if r.Name != nil {
		name := cleanName(&p, "name", *r.Name)
		ch.Name = &name
	}
	if r.EntityType != nil {
		if !slices.Contains(EntityTypes, *r.EntityType) {
			p.Add("entityType", "must be one of %s", strings.Join(EntityTypes, ", "))
		}
		ch.EntityType = r.EntityType
	}
	if r.Programs != nil {
		ch.Programs = validPrograms(&p, *r.Programs)
	}
	if r.ReviewDueDate != nil {
		if d, err := time.Parse(dateLayout, *r.ReviewDueDate); err != nil || d.Year() < 2000 || d.Year() > 2100 {
			p.Add("reviewDueDate", "must be a date as YYYY-MM-DD, from 2000 to 2100")
		}
		ch.ReviewDueDate = r.ReviewDueDate
	}
	return ch, p.Err()
}

// validPrograms checks a list of programmes (at least one, each known) and
// returns it without repeats.
func validPrograms(p *problems, programs []string) []string {
	var out []string
	if len(programs) == 0 {
		p.Add("programs", "name at least one of %s", strings.Join(Programs, ", "))
	}
	for _, prog := range programs {
		switch {
		case !slices.Contains(Programs, prog):
			p.Add("programs", "%q is not one of %s", prog, strings.Join(Programs, ", "))
		case !slices.Contains(out, prog):
			out = append(out, prog)
		}
	}
	return out
}

// SpecialistRequest is the body of PUT /v1/accounts/{accountId}/specialist:
// {"specialistId": "<user id>"}, or null for the shared pool.
type SpecialistRequest struct {
	SpecialistID json.RawMessage `json:"specialistId"`
}

// Validate returns the specialist's id, "" for the shared pool.
func (r SpecialistRequest) Validate() (string, error) {
	const want = "is required: a specialist's user id, or null for the shared pool"
	raw := strings.TrimSpace(string(r.SpecialistID))
	if raw == "null" {
		return "", nil
	}
	var id string
	if raw == "" || json.Unmarshal(r.SpecialistID, &id) != nil {
		return "", fault.Field("specialistId", want)
	}
	id = strings.TrimSpace(id)
	if id == "" || len(id) > maxIDLength || !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return r < '!' || r > '~' }) {
		return "", fault.Field("specialistId", want)
	}
	return id, nil
}
