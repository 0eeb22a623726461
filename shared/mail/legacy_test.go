package mail

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"
)

// legacy is the renderer the package had before it rendered templates
// itself (text/template and html/template, missingkey=error), kept only to
// check that the new one writes the same emails.
type legacy struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func newLegacy(t testing.TB) *legacy {
	t.Helper()
	text, err := texttemplate.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.txt")
	if err != nil {
		t.Fatalf("parse text templates: %v", err)
	}
	html, err := htmltemplate.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.html")
	if err != nil {
		t.Fatalf("parse html templates: %v", err)
	}
	return &legacy{text: text, html: html}
}

// render is the old Sender.Render.
func (l *legacy) render(m Message) (subject, text, html string, err error) {
	var sb, tb, hb bytes.Buffer
	if err := l.text.ExecuteTemplate(&sb, m.Template+".subject", m.Data); err != nil {
		return "", "", "", err
	}
	if err := l.text.ExecuteTemplate(&tb, m.Template+".text", m.Data); err != nil {
		return "", "", "", err
	}
	if err := l.html.ExecuteTemplate(&hb, m.Template+".html", m.Data); err != nil {
		return "", "", "", err
	}
	subject = strings.Join(strings.Fields(sb.String()), " ")
	return subject, strings.TrimSpace(tb.String()) + "\n", hb.String(), nil
}
