package mail

import (
	htmltemplate "html/template"
	"strings"
	"testing"
	"testing/fstest"
	texttemplate "text/template"
)

// FuzzRender puts a fuzzed string into every field of every email that is
// shown but not tested (as the path of each link, then as the whole link)
// and checks that the email is the legacy renderer's, byte for byte; that
// the HTML has exactly the template's markup (no <, >, " or ' from a
// value); and that the subject and text hold the value as it is, never an
// expansion of what it contains.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"Pat", tricky, "{{.Name}}", "{{end}}}}{{", `"><script>alert(1)</script>`, "' onmouseover='x",
		"javascript:alert(1)", "https://evil.example/", "&amp;&#34;", "a\x00b", "\xff\xfe", "a+b%zz%41", "line\r\nBcc: x@y.z", " "} {
		f.Add(s)
	}
	s := newTestSender(f)
	old := newLegacy(f)
	f.Fuzz(func(t *testing.T, v string) {
		for _, c := range renderCases() {
			e := s.emails[c.Template]
			for _, whole := range []bool{false, true} {
				checkFuzzed(t, s, old, c, e, v, whole)
			}
		}
	})
}

func checkFuzzed(t *testing.T, s *Sender, old *legacy, c Message, e *email, v string, whole bool) {
	fuzzed, marked := Message{Template: c.Template, Data: map[string]any{}}, Message{Template: c.Template, Data: map[string]any{}}
	markers := []string{}
	for k, val := range c.Data {
		fuzzed.Data[k], marked.Data[k] = val, val
		u := e.fields[k]
		if u&(tested|compared) != 0 || u&printed == 0 {
			continue
		}
		mark := "zqMARK" + k + "zq"
		fuzzed.Data[k], marked.Data[k] = v, mark
		if u&linked != 0 {
			fuzzed.Data[k], marked.Data[k] = portal+"/"+v, portal+"/"+mark
			if whole {
				fuzzed.Data[k] = v
			}
		}
		markers = append(markers, marked.Data[k].(string), fuzzed.Data[k].(string))
	}
	subject, text, html, err := s.Render(fuzzed)
	if err != nil {
		if !strings.Contains(err.Error(), "http(s) URL") {
			t.Fatalf("Render(%s, %q) = %v", c.Template, v, err)
		}
		return
	}
	oSubject, oText, oHTML, err := old.render(fuzzed)
	if err != nil || subject != oSubject || text != oText || html != oHTML {
		t.Fatalf("Render(%s, %q) =\n%q\n%q\n%q\nlegacy:\n%q\n%q\n%q\n%v", c.Template, v, subject, text, html, oSubject, oText, oHTML, err)
	}
	mSubject, mText, mHTML, err := s.Render(marked)
	if err != nil {
		t.Fatalf("Render(%s, markers) = %v", c.Template, err)
	}
	for _, ch := range []string{"<", ">", `"`, "'"} {
		if strings.Count(html, ch) != strings.Count(mHTML, ch) {
			t.Fatalf("Render(%s, %q) html has %d %s; the template %d:\n%s", c.Template, v, strings.Count(html, ch), ch, strings.Count(mHTML, ch), html)
		}
	}
	r := strings.NewReplacer(markers...)
	if want := strings.Join(strings.Fields(r.Replace(mSubject)), " "); subject != want {
		t.Fatalf("Render(%s, %q) subject = %q; want %q", c.Template, v, subject, want)
	}
	if want := strings.TrimSpace(r.Replace(mText)) + "\n"; text != want {
		t.Fatalf("Render(%s, %q) text = %q; want %q", c.Template, v, text, want)
	}
}

// FuzzParse: a template body the parser accepts renders as text/template
// and html/template render it, byte for byte, with values holding markup;
// one it refuses does not panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<p>Hello {{.Name}},</p>`, `<a href="{{.Link}}">x</a>`, `{{if .A}}<b>{{.A}}</b>{{else if eq .B "x"}}y{{else}}z{{end}}`,
		`<!doctype html><html lang="en"><body style="a: b">{{if not .C}}{{.D}}{{end}}</body></html>`,
		`<a href="{{.L}}" title="t">{{.L}}</a>`, `<p {{if .A}}class="x"{{end}}>{{.B}}</p>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		txt := `{{define "x.subject"}}` + body + `{{end}}{{define "x.text"}}` + body + `{{end}}`
		htm := `{{define "x.html"}}` + body + `{{end}}`
		emails, err := parseTemplates(fstest.MapFS{"t/x.txt": {Data: []byte(txt)}, "t/x.html": {Data: []byte(htm)}}, "t")
		if err != nil {
			return
		}
		e := emails["x"]
		for _, empty := range []bool{false, true} {
			data := map[string]any{}
			for k, u := range e.fields {
				switch {
				case u&linked != 0:
					data[k] = `https://x.example/a?b=<'"&+>` + k
				case empty:
					data[k] = ""
				default:
					data[k] = `a<b>&"'+{{.X}}` + k
				}
			}
			var sb, tb, hb strings.Builder
			if err := e.check(data); err != nil {
				t.Fatalf("check(%v) = %v", data, err)
			}
			render(&sb, e.subject, data)
			render(&tb, e.text, data)
			render(&hb, e.html, data)
			want := legacyParts(t, txt, htm, data)
			if got := [3]string{sb.String(), tb.String(), hb.String()}; got != want {
				t.Fatalf("body %q renders\n%q\nhtml/template\n%q", body, got, want)
			}
		}
	})
}

// legacyParts renders the three parts with text/template and html/template.
func legacyParts(t *testing.T, txt, htm string, data map[string]any) [3]string {
	tt, err := texttemplate.New("").Option("missingkey=error").Parse(txt)
	if err != nil {
		t.Fatalf("text/template refuses %q: %v", txt, err)
	}
	ht, err := htmltemplate.New("").Option("missingkey=error").Parse(htm)
	if err != nil {
		t.Fatalf("html/template refuses %q: %v", htm, err)
	}
	var out [3]string
	for i, name := range []string{"x.subject", "x.text"} {
		var b strings.Builder
		if err := tt.ExecuteTemplate(&b, name, data); err != nil {
			t.Fatalf("text/template %s: %v", name, err)
		}
		out[i] = b.String()
	}
	var b strings.Builder
	if err := ht.ExecuteTemplate(&b, "x.html", data); err != nil {
		t.Fatalf("html/template: %v", err)
	}
	out[2] = b.String()
	return out
}
