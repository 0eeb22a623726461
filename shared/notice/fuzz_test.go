package notice_test

import (
	"bytes"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/notice"
)

var fuzzNow = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

// clientError fails unless err is a 400 with a code.
func clientError(t *testing.T, body []byte, err error) {
	t.Helper()
	if fe := fault.As(err); fe.Kind != fault.Invalid && fe.Kind != fault.TooLarge || fe.Code == "" {
		t.Fatalf("body %q = %v; want a 400", body, err)
	}
}

// FuzzAnnouncementRequest: what is accepted has a title and body within
// bounds, a known severity, a window that ends after it starts and after
// now, and only known programmes and roles, each once.
func FuzzAnnouncementRequest(f *testing.F) {
	f.Add([]byte(`{"title":"T","body":"B","severity":"info","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-01-02T00:00:00Z"}`))
	f.Add([]byte(`{"title":"T","body":"B","severity":"warning","startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-01-02T00:00:00Z","programs":["ctpat_security","ctpat_security"],"roles":["poc"]}`))
	f.Add([]byte(`{"title":"","severity":"loud","startsAt":"x","programs":["x"],"roles":[1]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r notice.AnnouncementRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		var a notice.Announcement
		if err == nil {
			a, err = r.Validate(fuzzNow)
		}
		if err != nil {
			clientError(t, body, err)
			return
		}
		if a.Title == "" || utf8.RuneCountInString(a.Title) > notice.MaxTitle || a.Body == "" || utf8.RuneCountInString(a.Body) > notice.MaxBody ||
			!slices.Contains(notice.Severities, a.Severity) || !a.EndsAt.After(a.StartsAt) || !a.EndsAt.After(fuzzNow) {
			t.Fatalf("accepted %+v", a)
		}
		for _, p := range a.Programs {
			if !slices.Contains(accounts.Programs, p) {
				t.Fatalf("accepted programme %q", p)
			}
		}
		for _, role := range a.Roles {
			if !slices.Contains(accounts.Roles, role) {
				t.Fatalf("accepted role %q", role)
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(a.Programs)))) != len(a.Programs) {
			t.Fatalf("programmes not deduplicated: %v", a.Programs)
		}
	})
}

// FuzzAnnouncementEdit: an accepted edit names a version and something to
// change, each given field well formed.
func FuzzAnnouncementEdit(f *testing.F) {
	f.Add([]byte(`{"version":1,"title":"New"}`))
	f.Add([]byte(`{"version":0,"programs":[],"roles":["owner"]}`))
	f.Add([]byte(`{"version":-1,"severity":"x","startsAt":"y","endsAt":null}`))
	f.Add([]byte(`{"title":"x"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var e notice.AnnouncementEdit
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &e)
		if err == nil {
			err = e.Validate()
		}
		if err != nil {
			clientError(t, body, err)
			return
		}
		if e.Version == nil || *e.Version < 0 || (e.Severity != nil && !slices.Contains(notice.Severities, *e.Severity)) {
			t.Fatalf("accepted %s", body)
		}
		for _, v := range []*string{e.StartsAt, e.EndsAt} {
			if v != nil {
				if _, err := time.Parse(time.RFC3339, *v); err != nil {
					t.Fatalf("accepted time %q", *v)
				}
			}
		}
	})
}

// FuzzFreezeRequests: freezes and their reschedules accept only well-formed
// windows and messages.
func FuzzFreezeRequests(f *testing.F) {
	f.Add([]byte(`{"startsAt":"2027-01-01T00:00:00Z","endsAt":"2027-01-01T02:00:00Z","message":"M"}`))
	f.Add([]byte(`{"version":1,"endsAt":"2027-01-01T02:00:00+01:00"}`))
	f.Add([]byte(`{"version":2,"message":"   "}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var r notice.FreezeRequest
		err := httpapi.DecodeJSONBody(bytes.NewReader(body), &r)
		var fr notice.Freeze
		if err == nil {
			fr, err = r.Validate(fuzzNow)
		}
		if err != nil {
			clientError(t, body, err)
		} else if fr.Message == "" || utf8.RuneCountInString(fr.Message) > notice.MaxMessage || !fr.EndsAt.After(fr.StartsAt) || !fr.EndsAt.After(fuzzNow) {
			t.Fatalf("accepted freeze %+v", fr)
		}
		var e notice.FreezeEdit
		err = httpapi.DecodeJSONBody(bytes.NewReader(body), &e)
		if err == nil {
			err = e.Validate()
		}
		if err != nil {
			clientError(t, body, err)
		} else if e.Version == nil || *e.Version < 0 || (e.StartsAt == nil && e.EndsAt == nil && e.Message == nil) {
			t.Fatalf("accepted reschedule %s", body)
		}
	})
}
