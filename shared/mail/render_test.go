package mail

import (
	"bytes"
	"io/fs"
	"maps"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

const portal = "https://portal.example"

// tricky is a name with every character HTML escapes, an apostrophe,
// a plus, non-ASCII letters and template syntax.
const tricky = `O'Brien & Søn "<b>Ltd</b>" +1 {{.Name}}`

// renderCases renders every template with representative data, every branch
// of every template taken at least once.
func renderCases() []Message {
	m := func(tmpl string, data map[string]any) Message {
		return Message{To: "owner@importer.example", Template: tmpl, Data: data}
	}
	decided := func(account, decision, comment string) map[string]any {
		return map[string]any{"AccountName": account, "Decision": decision, "Comment": comment, "NewOwner": "Kim Nakamura",
			"FiledAt": "3 March 2026", "Role": "account owner"}
	}
	reminder := func(days int, before, onDay bool) map[string]any {
		return map[string]any{"AccountName": "ACME Freight", "DueDate": "2026-05-01", "Days": days, "Before": before, "OnDay": onDay,
			"Link": portal + "/sign-in"}
	}
	freeze := func(rescheduled, lifted bool, was string) map[string]any {
		d := map[string]any{"Rescheduled": rescheduled, "Lifted": lifted, "StartsAt": "Monday 8 March 2027, 10:00 UTC",
			"EndsAt": "Monday 8 March 2027, 12:00 UTC", "WasStartsAt": was, "WasEndsAt": "", "Message": tricky, "Link": portal + "/dashboard"}
		if was != "" {
			d["WasEndsAt"] = "Monday 1 March 2027, 12:00 UTC"
		}
		return d
	}
	invitation := func(inviter string) map[string]any {
		return map[string]any{"AccountName": "ACME Freight", "OrgName": "ACME Freight (Rotterdam) B.V.", "Role": "Account Owner",
			"Inviter": inviter, "Link": portal + "/accept-invitation?token=abc-DEF_123%2B", "Days": 7}
	}
	return []Message{
		m("answers_changed", map[string]any{"Name": "Pat Partner", "ResetURL": portal + "/forgot-password"}),
		m("answers_changed", map[string]any{"Name": tricky, "ResetURL": "http://localhost:8080/forgot-password?a=1&b='x'"}),
		m("invitation", invitation("Pat Partner")),
		m("invitation", invitation("")),
		m("invitation", invitation(tricky)),
		m("lockout", map[string]any{"Name": "Pat Partner", "Attempts": 5, "Until": "2 March 2026 10:30 UTC",
			"ResetURL": portal + "/forgot-password"}),
		m("owner_change_decided", decided("ACME Freight", "approved", "")),
		m("owner_change_decided", decided("ACME Freight", "approved", "Checked with the AO by phone & email.")),
		m("owner_change_decided", decided("", "rejected", "No proof of authority <see ticket 12>")),
		m("owner_change_decided", decided("", "rejected", "")),
		m("owner_change_filed", map[string]any{"AccountName": "ACME Freight", "OrgName": "ACME Freight B.V.", "Applicant": "Pat Partner",
			"ApplicantEmail": "pat+portal@importer.example", "NewOwner": tricky, "NewOwnerEmail": "kim@importer.example",
			"FiledAt": "3 March 2026, 10:04 UTC", "AccountURL": portal + "/accounts/01JABCDEF", "Role": "point of contact"}),
		m("password_changed", map[string]any{"Name": "Zoë Ødegård", "SignInURL": portal + "/sign-in", "ResetURL": portal + "/forgot-password"}),
		m("profile_submitted", map[string]any{"AccountName": "ACME Freight", "OrgName": "ACME", "Pool": true,
			"Link": portal + "/reviews/01JABCDEF", "Profile": "security profile"}),
		m("profile_submitted", map[string]any{"AccountName": tricky, "OrgName": "ACME", "Pool": false,
			"Link": portal + "/reviews/01JABCDEF", "Profile": "Trade Compliance profile"}),
		m("reset_burnt", map[string]any{"Name": "Pat Partner", "Attempts": 3, "ForgotURL": portal + "/forgot-password"}),
		m("reset_link", map[string]any{"Name": "Pat Partner", "Link": portal + "/reset-password?token=x y\u00e9", "Minutes": 30}),
		m("review_outcome", map[string]any{"AccountName": "ACME Freight", "Outcome": "returned", "Approved": 40, "Returned": 2, "Profile": "security profile"}),
		m("review_outcome", map[string]any{"AccountName": "ACME Freight", "Outcome": "approved", "Approved": 42, "Returned": 0, "Profile": tricky}),
		m("review_reminder", reminder(30, true, false)),
		m("review_reminder", reminder(0, false, true)),
		m("review_reminder", reminder(14, false, false)),
		m("signup_taken", map[string]any{"Name": "山田 太郎", "SignInURL": portal + "/sign-in", "ResetURL": portal + "/forgot-password"}),
		m("account_suspended", map[string]any{"AccountName": "ACME Freight", "OrgName": tricky, "Reason": "Suspended due to a change in your company's C-TPAT status.",
			"AccountURL": portal + "/accounts/01JABCDEF"}),
		m("account_reinstated", map[string]any{"AccountName": tricky, "OrgName": "ACME", "Reason": "Status restored <after review>",
			"AccountURL": portal + "/accounts/01JABCDEF"}),
		m("application_approved", map[string]any{"Name": "Pat Partner", "LegalName": tricky, "Programs": "CTPAT Security", "FiledAt": "3 March 2026",
			"AccountName": "ACME Freight", "OrgName": "ACME", "ReviewDueDate": "2027-03-03", "Link": portal + "/applications"}),
		m("application_rejected", map[string]any{"Name": "Pat Partner", "LegalName": "ACME Freight", "Programs": "CTPAT Trade Compliance",
			"FiledAt": "3 March 2026", "Comment": "No proof of <ownership> & control", "Link": portal + "/applications"}),
		m("freeze_notice", freeze(false, false, "")),
		m("freeze_notice", freeze(true, false, "Monday 1 March 2027, 10:00 UTC")),
		m("freeze_notice", freeze(true, false, "")),
		m("freeze_notice", freeze(false, true, "")),
		m("staff_invitation", map[string]any{"Inviter": "Ada Admin", "Role": "Supply Chain Security Specialist", "Days": 7,
			"Link": portal + "/accept-invitation?kind=staff&token=abc"}),
		m("staff_invitation", map[string]any{"Inviter": "", "Role": "administrator", "Days": 7,
			"Link": portal + "/accept-invitation?kind=staff&token=abc"}),
		m("verify_email", map[string]any{"Name": "Pat Partner", "Link": portal + "/verify-email?token=abc", "Hours": 24,
			"ResendURL": portal + "/verify-email"}),
	}
}

// TestRenderMatchesLegacy: every email reads byte for byte as the
// text/template and html/template renderer wrote it.
func TestRenderMatchesLegacy(t *testing.T) {
	s := newTestSender(t)
	old := newLegacy(t)
	for _, m := range renderCases() {
		subject, text, html, err := s.Render(m)
		if err != nil {
			t.Errorf("Render(%s, %v) = %v", m.Template, m.Data, err)
			continue
		}
		oldSubject, oldText, oldHTML, err := old.render(m)
		if err != nil {
			t.Fatalf("legacy render(%s) = %v", m.Template, err)
		}
		for _, part := range []struct{ name, got, want string }{
			{"subject", subject, oldSubject}, {"text", text, oldText}, {"html", html, oldHTML},
		} {
			if part.got != part.want {
				t.Errorf("Render(%s, %v) %s =\n%s\nwant (legacy)\n%s", m.Template, m.Data, part.name, part.got, part.want)
			}
		}
	}
}

// TestRenderCasesCoverEveryTemplate: no template escapes the comparison
// above, and each case takes a different path or data.
func TestRenderCasesCoverEveryTemplate(t *testing.T) {
	files, err := fs.Glob(templateFS, "templates/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, m := range renderCases() {
		covered[m.Template] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(path.Base(f), ".txt"); !covered[name] {
			t.Errorf("template %s has no case in renderCases", name)
		}
	}
	s := newTestSender(t)
	if got, want := slices.Sorted(maps.Keys(s.emails)), slices.Sorted(maps.Keys(covered)); !slices.Equal(got, want) {
		t.Errorf("Sender templates = %v; want %v", got, want)
	}
}

func newTestSender(t testing.TB) *Sender {
	t.Helper()
	s, err := NewSender(nil, "no-reply@portal.example", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRenderRefusesData: data that does not fit the template is an error,
// never an empty or a wrong value in the email.
func TestRenderRefusesData(t *testing.T) {
	s := newTestSender(t)
	base := func() map[string]any {
		return map[string]any{"Name": "Pat", "Attempts": 5, "Until": "10:30 UTC", "ResetURL": portal + "/forgot-password"}
	}
	with := func(k string, v any) map[string]any {
		d := base()
		d[k] = v
		return d
	}
	without := func(k string) map[string]any {
		d := base()
		delete(d, k)
		return d
	}
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"unknown template", Message{Template: "nope", Data: base()}, "no such template"},
		{"missing field", Message{Template: "lockout", Data: without("Until")}, `"Until": missing`},
		{"no data", Message{Template: "lockout"}, "missing"},
		{"unused field", Message{Template: "lockout", Data: with("Nmae", "Pat")}, `"Nmae": the template does not use it`},
		{"nil value", Message{Template: "lockout", Data: with("Name", nil)}, "want a string"},
		{"bool shown", Message{Template: "lockout", Data: with("Attempts", true)}, "a bool"},
		{"float shown", Message{Template: "lockout", Data: with("Attempts", 5.0)}, "float64"},
		{"int as link", Message{Template: "lockout", Data: with("ResetURL", 5)}, "an int where a string"},
		{"javascript link", Message{Template: "lockout", Data: with("ResetURL", "javascript:alert(1)")}, "http(s) URL"},
		{"relative link", Message{Template: "lockout", Data: with("ResetURL", "/forgot-password")}, "http(s) URL"},
		{"link without host", Message{Template: "lockout", Data: with("ResetURL", "https:///x")}, "http(s) URL"},
		{"mailto link", Message{Template: "lockout", Data: with("ResetURL", "mailto:x@y.example")}, "http(s) URL"},
		{"int compared", Message{Template: "review_outcome", Data: map[string]any{
			"AccountName": "A", "Outcome": 1, "Approved": 1, "Returned": 0, "Profile": "p"}}, "an int where a string"},
	}
	for _, tt := range tests {
		subject, text, html, err := s.Render(tt.m)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Render = %q, %q, %q, %v; want an error with %q", tt.name, subject, text, html, err, tt.want)
		}
	}
}

// TestParseRefuses: a template outside the subset, or with a value where
// the HTML escaping is not certain, fails when the Sender is built.
func TestParseRefuses(t *testing.T) {
	txt := `{{define "x.subject"}}S{{end}}{{define "x.text"}}T{{end}}`
	html := func(body string) string { return `{{define "x.html"}}` + body + `{{end}}` }
	tests := []struct {
		name, txt, html, want string
	}{
		{"range", txt, html(`{{range .L}}x{{end}}`), "want .Field"},
		{"nested field", txt, html(`{{.A.B}}`), "want .Field"},
		{"template call", txt, html(`{{template "y"}}`), "want .Field"},
		{"pipeline", txt, html(`{{.A | printf "%s"}}`), "want .Field"},
		{"function", txt, html(`{{printf "%s" .A}}`), "want .Field"},
		{"trim marker", txt, html(`{{- .A}}`), "want .Field"},
		{"spaces", txt, html(`{{ .A }}`), "no spaces"},
		{"comment", txt, html(`{{/* c */}}`), "want .Field"},
		{"dot", txt, html(`{{.}}`), "want .Field"},
		{"unclosed action", txt, `{{define "x.html"}}{{.A`, "unclosed"},
		{"unclosed if", txt, `{{define "x.html"}}{{if .A}}x`, "missing {{end}}"},
		{"stray else", txt, html(`{{else}}`), "outside {{if}}"},
		{"else twice", txt, html(`{{if .A}}a{{else}}b{{else}}c{{end}}`), "after {{else}}"},
		{"if with two fields", txt, html(`{{if and .A .B}}x{{end}}`), "want .Field"},
		{"eq without literal", txt, html(`{{if eq .A .B}}x{{end}}`), `want eq .Field "text"`},
		{"text outside define", txt + "hello", html("x"), "text outside"},
		{"action outside define", txt, html("x") + "{{.A}}", "outside {{define}}"},
		{"defined twice", txt + `{{define "x.text"}}T{{end}}`, html("x"), "defined twice"},
		{"part missing", `{{define "x.subject"}}S{{end}}`, html("x"), "defines 1 templates"},
		{"wrong part", `{{define "x.subject"}}S{{end}}{{define "y.text"}}T{{end}}`, html("x"), `does not define "x.text"`},
		{"value in a tag", txt, html(`<p {{.A}}>x</p>`), "a value goes in element text"},
		{"value in another attribute", txt, html(`<p title="{{.A}}">x</p>`), "a value goes in element text"},
		{"value after href text", txt, html(`<a href="/x/{{.A}}">x</a>`), "a value goes in element text"},
		{"text after href value", txt, html(`<a href="{{.A}}#top">x</a>`), "text after a value in href"},
		{"two values in href", txt, html(`<a href="{{.A}}{{.B}}">x</a>`), "a value goes in element text"},
		{"single-quoted attribute", txt, html(`<a href='{{.A}}'>x</a>`), "double-quoted"},
		{"unquoted attribute", txt, html(`<a href={{.A}}>x</a>`), "a value goes in element text"},
		{"unquoted static attribute", txt, html(`<a href=x>x</a>`), "double-quoted"},
		{"script", txt, html(`<script>var a = "{{.A}}"</script>`), "not allowed"},
		{"style", txt, html(`<STYLE>p{}</STYLE>`), "not allowed"},
		{"html comment", txt, html(`<!-- {{.A}} -->`), "not allowed"},
		{"other <!", txt, html(`<!ENTITY x "{{.A}}">`), "the only <!"},
		{"bare <", txt, html(`a < b {{.A}}`), "bare <"},
		{"ends in a tag", txt, html(`<p class="x"`), "ends inside a tag"},
		{"branches differ", txt, html(`{{if .A}}<a href="{{else}}<b>{{end}}x`), "different HTML contexts"},
	}
	for _, tt := range tests {
		fsys := fstest.MapFS{"t/x.txt": {Data: []byte(tt.txt)}, "t/x.html": {Data: []byte(tt.html)}}
		if _, err := parseTemplates(fsys, "t"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: parseTemplates(%q, %q) = %v; want an error with %q", tt.name, tt.txt, tt.html, err, tt.want)
		}
	}
	lonely := fstest.MapFS{"t/x.txt": {Data: []byte(txt)}}
	if _, err := parseTemplates(lonely, "t"); err == nil {
		t.Errorf("parseTemplates(x.txt without x.html) = nil error")
	}
	other := fstest.MapFS{"t/x.txt": {Data: []byte(txt)}, "t/x.html": {Data: []byte(html("x"))}, "t/x.md": {}}
	if _, err := parseTemplates(other, "t"); err == nil {
		t.Errorf("parseTemplates(with x.md) = nil error")
	}
}

// TestSenderLinksNoReflectMethods: a program that sends mail through a real
// SES client keeps no reflect.Value.Method/MethodByName call, and so, of the
// client's operations, only SendEmail. Template engines that call methods by
// reflection make the linker keep every exported method of every reachable
// type, which cost the reminders function 6 MB.
func TestSenderLinksNoReflectMethods(t *testing.T) {
	out, err := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", t.TempDir()+"/sendonly", "./testdata/sendonly").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ./testdata/sendonly: %v\n%.2000s", err, out)
	}
	if lines := regexp.MustCompile(`(?m)^.*<ReflectMethod>.*$`).FindAll(out, 5); len(lines) > 0 {
		t.Errorf("the linker keeps every exported method, because of:\n%s", bytes.Join(lines, []byte("\n")))
	}
	ops := map[string]bool{}
	// A function the linker keeps is listed with what it refers to.
	for _, m := range regexp.MustCompile(`(?m)^github\.com/aws/aws-sdk-go-v2/service/ses\.\(\*Client\)\.([A-Z]\w*) ->`).FindAllSubmatch(out, -1) {
		ops[string(m[1])] = true
	}
	if got := slices.Sorted(maps.Keys(ops)); !slices.Equal(got, []string{"SendEmail"}) {
		t.Errorf("SES client operations linked = %v; want [SendEmail]", got)
	}
}
