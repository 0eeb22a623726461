package notice

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
)

// Longest title, announcement body and freeze message.
const (
	MaxTitle   = 200
	MaxBody    = 4000
	MaxMessage = 500
)

// window checks an RFC 3339 window that has not ended yet.
func window(p *fault.Fields, starts, ends string, now time.Time) (time.Time, time.Time) {
	s, err1 := time.Parse(time.RFC3339, starts)
	if err1 != nil {
		p.Add("startsAt", "must be a time as RFC 3339 (2027-01-15T20:00:00Z)")
	}
	e, err2 := time.Parse(time.RFC3339, ends)
	if err2 != nil {
		p.Add("endsAt", "must be a time as RFC 3339 (2027-01-15T22:00:00Z)")
	}
	if err1 == nil && err2 == nil {
		checkWindow(p, s, e, now)
	}
	return s.UTC(), e.UTC()
}

// checkWindow names endsAt when it is not after startsAt, or is past.
func checkWindow(p *fault.Fields, s, e, now time.Time) {
	if !e.After(s) {
		p.Add("endsAt", "must be after startsAt")
	} else if !e.After(now) {
		p.Add("endsAt", "is in the past")
	}
}

func text(p *fault.Fields, field, s string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > max || !utf8.ValidString(s) {
		p.Add(field, "is required, at most %d characters", max)
	}
	return s
}

// audience checks an announcement's programmes and roles: each one known,
// each once (duplicates dropped).
func audience(p *fault.Fields, programs, roles []string) ([]string, []string) {
	pick := func(field string, given, known []string) []string {
		var out []string
		for _, v := range given {
			if !slices.Contains(known, v) {
				p.Add(field, "%q is not one of %s", v, strings.Join(known, ", "))
			} else if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	return pick("programs", programs, accounts.Programs), pick("roles", roles, accounts.Roles)
}

// AnnouncementRequest is the body of POST /v1/announcements. Programs and
// Roles are optional: without either, the announcement is for everyone.
type AnnouncementRequest struct {
	Title    string   `json:"title"`
	Body     string   `json:"body"`
	Severity string   `json:"severity"`
	StartsAt string   `json:"startsAt"`
	EndsAt   string   `json:"endsAt"`
	Programs []string `json:"programs"`
	Roles    []string `json:"roles"`
}

// Validate checks every field and names each one that is wrong.
func (r AnnouncementRequest) Validate(now time.Time) (Announcement, error) {
	var p fault.Fields
	a := Announcement{Title: text(&p, "title", r.Title, MaxTitle), Body: text(&p, "body", r.Body, MaxBody), Severity: r.Severity}
	if !slices.Contains(Severities, r.Severity) {
		p.Add("severity", "must be one of %s", strings.Join(Severities, ", "))
	}
	a.StartsAt, a.EndsAt = window(&p, r.StartsAt, r.EndsAt, now)
	a.Programs, a.Roles = audience(&p, r.Programs, r.Roles)
	return a, p.Err()
}

// AnnouncementEdit is the body of PATCH /v1/announcements/{id}: the version
// read, and the fields to change (absent ones stay). An empty list of
// programmes or roles widens the audience.
type AnnouncementEdit struct {
	Version  *int      `json:"version"`
	Title    *string   `json:"title"`
	Body     *string   `json:"body"`
	Severity *string   `json:"severity"`
	StartsAt *string   `json:"startsAt"`
	EndsAt   *string   `json:"endsAt"`
	Programs *[]string `json:"programs"`
	Roles    *[]string `json:"roles"`
}

// Validate checks the shape of each field given, naming every wrong one;
// the window is checked again against the announcement it is applied to.
func (e AnnouncementEdit) Validate() error {
	var p fault.Fields
	if e.Version == nil || *e.Version < 0 {
		p.Add("version", "is required: the version you read")
	}
	if e.Title != nil {
		text(&p, "title", *e.Title, MaxTitle)
	}
	if e.Body != nil {
		text(&p, "body", *e.Body, MaxBody)
	}
	if e.Severity != nil && !slices.Contains(Severities, *e.Severity) {
		p.Add("severity", "must be one of %s", strings.Join(Severities, ", "))
	}
	timeField(&p, "startsAt", e.StartsAt)
	timeField(&p, "endsAt", e.EndsAt)
	if e.Programs != nil || e.Roles != nil {
		audience(&p, deref(e.Programs), deref(e.Roles))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if e.Title == nil && e.Body == nil && e.Severity == nil && e.StartsAt == nil && e.EndsAt == nil && e.Programs == nil && e.Roles == nil {
		return errNothingToChange
	}
	return nil
}

var errNothingToChange = fault.New(fault.Invalid, "nothing_to_change", "name at least one field to change")

func timeField(p *fault.Fields, field string, v *string) {
	if v == nil {
		return
	}
	if _, err := time.Parse(time.RFC3339, *v); err != nil {
		p.Add(field, "must be a time as RFC 3339 (2027-01-15T20:00:00Z)")
	}
}

func deref(v *[]string) []string {
	if v == nil {
		return nil
	}
	return *v
}

// apply returns a with the (validated) edit made; the resulting window must
// still end after it starts, and not in the past (400 endsAt).
func (e AnnouncementEdit) apply(a Announcement, now time.Time) (Announcement, error) {
	var p fault.Fields
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&a.Title, e.Title)
	set(&a.Body, e.Body)
	set(&a.Severity, e.Severity)
	if e.StartsAt != nil {
		t, _ := time.Parse(time.RFC3339, *e.StartsAt)
		a.StartsAt = t.UTC()
	}
	if e.EndsAt != nil {
		t, _ := time.Parse(time.RFC3339, *e.EndsAt)
		a.EndsAt = t.UTC()
	}
	if e.Programs != nil {
		a.Programs, _ = audience(&p, *e.Programs, nil)
	}
	if e.Roles != nil {
		_, a.Roles = audience(&p, nil, *e.Roles)
	}
	checkWindow(&p, a.StartsAt, a.EndsAt, now)
	return a, p.Err()
}

// FreezeRequest is the body of POST /v1/freezes.
type FreezeRequest struct {
	StartsAt string `json:"startsAt"`
	EndsAt   string `json:"endsAt"`
	Message  string `json:"message"`
}

// Validate checks every field and names each one that is wrong.
func (r FreezeRequest) Validate(now time.Time) (Freeze, error) {
	var p fault.Fields
	s, e := window(&p, r.StartsAt, r.EndsAt, now)
	msg := text(&p, "message", r.Message, MaxMessage)
	return Freeze{StartsAt: s, EndsAt: e, Message: msg}, p.Err()
}

// FreezeEdit is the body of PATCH /v1/freezes/{id}: the version read, and
// the fields to change (absent ones stay).
type FreezeEdit struct {
	Version  *int    `json:"version"`
	StartsAt *string `json:"startsAt"`
	EndsAt   *string `json:"endsAt"`
	Message  *string `json:"message"`
}

// Validate checks the shape of each field given, naming every wrong one;
// the window is checked again against the freeze it is applied to.
func (e FreezeEdit) Validate() error {
	var p fault.Fields
	if e.Version == nil || *e.Version < 0 {
		p.Add("version", "is required: the version you read")
	}
	timeField(&p, "startsAt", e.StartsAt)
	timeField(&p, "endsAt", e.EndsAt)
	if e.Message != nil {
		text(&p, "message", *e.Message, MaxMessage)
	}
	if err := p.Err(); err != nil {
		return err
	}
	if e.StartsAt == nil && e.EndsAt == nil && e.Message == nil {
		return errNothingToChange
	}
	return nil
}

// apply returns f with the (validated) edit made; the window must still end
// after it starts, and not in the past (400 endsAt).
func (e FreezeEdit) apply(f Freeze, now time.Time) (Freeze, error) {
	if e.StartsAt != nil {
		t, _ := time.Parse(time.RFC3339, *e.StartsAt)
		f.StartsAt = t.UTC()
	}
	if e.EndsAt != nil {
		t, _ := time.Parse(time.RFC3339, *e.EndsAt)
		f.EndsAt = t.UTC()
	}
	if e.Message != nil {
		f.Message = strings.TrimSpace(*e.Message)
	}
	var p fault.Fields
	checkWindow(&p, f.StartsAt, f.EndsAt, now)
	return f, p.Err()
}
