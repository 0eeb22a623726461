// Package mail sends the portal's emails through SES. Each email is a
// template pair under templates/ (NAME.txt holds the subject and the text
// body, NAME.html the HTML body), in a strict subset of Go's template syntax
// rendered by this package (see template.go); addresses are validated so
// nothing a user types can inject headers.
package mail

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"
)

//go:embed templates/*
var templateFS embed.FS

// Message is one email to one recipient, by template name. Data holds
// exactly the fields the template uses: strings and ints to show, bools,
// strings and ints to test; a field shown as a link holds an absolute http(s)
// URL.
type Message struct {
	To       string
	Template string // e.g. "lockout"
	Data     map[string]any
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
	emails     map[string]*email
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
	emails, err := parseTemplates(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	return &Sender{ses: client, from: from, configSet: configSet, emails: emails, suppressed: suppressed}, nil
}

// Render returns the subject, text and HTML bodies of m. Data that does not
// fit the template (a field missing, unused or of the wrong type, a link
// that is not an http(s) URL) is an error.
func (s *Sender) Render(m Message) (subject, text, html string, err error) {
	e, ok := s.emails[m.Template]
	if !ok {
		return "", "", "", fmt.Errorf("render %s: no such template", m.Template)
	}
	if err := e.check(m.Data); err != nil {
		return "", "", "", fmt.Errorf("render %s: %w", m.Template, err)
	}
	var sb, tb, hb strings.Builder
	render(&sb, e.subject, m.Data)
	render(&tb, e.text, m.Data)
	render(&hb, e.html, m.Data)
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
