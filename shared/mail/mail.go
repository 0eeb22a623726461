// Package mail sends the portal's emails through SES. Each email is a
// template pair under templates/ (NAME.txt holds the subject and the text
// body, NAME.html the HTML body); addresses are validated so nothing a user
// types can inject headers.
package mail

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
)

//go:embed templates/*
var templateFS embed.FS

// Message is one email to one recipient, by template name.
type Message struct {
	To       string
	Template string // e.g. "lockout"
	Data     any
}

// SESAPI is the part of the SES client the sender uses.
type SESAPI interface {
	SendEmail(ctx context.Context, in *ses.SendEmailInput, opts ...func(*ses.Options)) (*ses.SendEmailOutput, error)
}

// Sender renders templates and sends them through SES from the configured
// address and configuration set.
type Sender struct {
	ses        SESAPI
	from       string
	configSet  string
	text       *texttemplate.Template
	html       *htmltemplate.Template
	suppressed Suppression
}

// Suppression says which addresses must not be mailed again because they
// bounced or complained (delivery.List).
type Suppression interface {
	IsSuppressed(ctx context.Context, to string) (bool, error)
}

// NewSender parses the embedded templates and returns a Sender. from must be
// a valid address; configSet may be empty; suppressed, when not nil, is
// asked before every send.
func NewSender(client SESAPI, from, configSet string, suppressed Suppression) (*Sender, error) {
	if _, err := Address(from); err != nil {
		return nil, fmt.Errorf("sender address: %w", err)
	}
	text, err := texttemplate.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.txt")
	if err != nil {
		return nil, fmt.Errorf("parse text templates: %w", err)
	}
	html, err := htmltemplate.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse html templates: %w", err)
	}
	return &Sender{ses: client, from: from, configSet: configSet, text: text, html: html, suppressed: suppressed}, nil
}

// Render returns the subject, text and HTML bodies of m.
func (s *Sender) Render(m Message) (subject, text, html string, err error) {
	var sb, tb, hb bytes.Buffer
	if err := s.text.ExecuteTemplate(&sb, m.Template+".subject", m.Data); err != nil {
		return "", "", "", fmt.Errorf("render %s subject: %w", m.Template, err)
	}
	if err := s.text.ExecuteTemplate(&tb, m.Template+".text", m.Data); err != nil {
		return "", "", "", fmt.Errorf("render %s text: %w", m.Template, err)
	}
	if err := s.html.ExecuteTemplate(&hb, m.Template+".html", m.Data); err != nil {
		return "", "", "", fmt.Errorf("render %s html: %w", m.Template, err)
	}
	subject = strings.Join(strings.Fields(sb.String()), " ") // one line, always
	return subject, strings.TrimSpace(tb.String()) + "\n", hb.String(), nil
}

// Send renders m and sends it to its one recipient.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := Address(m.To)
	if err != nil {
		return fmt.Errorf("send %s: recipient: %w", m.Template, err)
	}
	if s.suppressed != nil {
		skip, err := s.suppressed.IsSuppressed(ctx, to)
		if err != nil {
			return fmt.Errorf("send %s: suppression list: %w", m.Template, err)
		}
		if skip {
			return nil // bounced or complained before: SES would only count it against us
		}
	}
	subject, text, html, err := s.Render(m)
	if err != nil {
		return err
	}
	in := &ses.SendEmailInput{
		Source:      aws.String(s.from),
		Destination: &types.Destination{ToAddresses: []string{to}},
		Message: &types.Message{
			Subject: &types.Content{Data: aws.String(subject), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(html), Charset: aws.String("UTF-8")},
			},
		},
	}
	if s.configSet != "" {
		in.ConfigurationSetName = aws.String(s.configSet)
	}
	if _, err := s.ses.SendEmail(ctx, in); err != nil {
		return fmt.Errorf("send %s: %w", m.Template, err)
	}
	return nil
}
