// Package delivery keeps what SES tells the portal about its email: the
// addresses that bounced or complained are suppressed (never mailed again)
// and their users' delivery status shows it to account owners.
package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Statuses an address can have.
const (
	Bounced    = "bounced"
	Complained = "complained"
)

// List is the suppression list, one partition of the table.
type List struct {
	Store *store.Store
	Now   func() time.Time
}

// Events applies SES's bounce and complaint notifications: the address goes
// on the List and its user is marked.
type Events struct {
	List  *List
	Users Users
}

// Users marks the user with an address as bouncing or complaining, for the
// account owner's user list (identity.Service).
type Users interface {
	SetDeliveryStatusByEmail(ctx context.Context, email, status string) error
}

type suppressed struct {
	store.Key
	Email      string    `dynamodbav:"email"`
	Reason     string    `dynamodbav:"reason"`
	FeedbackID string    `dynamodbav:"feedbackId"`
	At         time.Time `dynamodbav:"at"`
}

func key(email string) store.Key { return store.Key{PK: "SUPPRESS", SK: email} }

// Suppress records that email bounced or complained, and marks its user.
func (e *Events) Suppress(ctx context.Context, email, reason, feedbackID string) error {
	l := e.List
	norm, err := mail.Normalize(email)
	if err != nil {
		return nil // not an address the portal could have sent to
	}
	if err := l.Store.Put(ctx, suppressed{Key: key(norm), Email: norm, Reason: reason, FeedbackID: feedbackID, At: l.Now().UTC()}, nil); err != nil {
		return fmt.Errorf("suppress %s: %w", norm, err)
	}
	return e.Users.SetDeliveryStatusByEmail(ctx, norm, reason)
}

// IsSuppressed reports whether email must not be mailed (one GetItem).
func (l *List) IsSuppressed(ctx context.Context, email string) (bool, error) {
	norm, err := mail.Normalize(email)
	if err != nil {
		return false, nil
	}
	var s suppressed
	return l.Store.GetImmutable(ctx, key(norm), &s)
}

// Suppressed returns every suppressed address (one query), for a job that
// mails many.
func (l *List) Suppressed(ctx context.Context) (map[string]bool, error) {
	var all []suppressed
	if err := l.Store.Query(ctx, "", store.KeyOnly("PK", "SUPPRESS"), true, &all); err != nil {
		return nil, fmt.Errorf("read suppression list: %w", err)
	}
	out := make(map[string]bool, len(all))
	for _, s := range all {
		out[s.Email] = true
	}
	return out, nil
}

// Notification is the part of an SES bounce or complaint notification the
// portal reads (the Message of the SNS record).
type Notification struct {
	NotificationType string `json:"notificationType"` // Bounce, Complaint, Delivery
	Bounce           *struct {
		BounceType        string `json:"bounceType"` // Permanent, Transient, Undetermined
		FeedbackID        string `json:"feedbackId"`
		BouncedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"bouncedRecipients"`
	} `json:"bounce"`
	Complaint *struct {
		FeedbackID           string `json:"feedbackId"`
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
	} `json:"complaint"`
}

// Handle applies one SES notification: a permanent bounce or a complaint
// suppresses its recipients; transient bounces and deliveries change
// nothing. It returns how many addresses it suppressed.
func (e *Events) Handle(ctx context.Context, message string) (int, error) {
	var n Notification
	if err := json.Unmarshal([]byte(message), &n); err != nil {
		return 0, fmt.Errorf("parse SES notification: %w", err)
	}
	var addrs []string
	var reason, feedback string
	switch {
	case n.NotificationType == "Bounce" && n.Bounce != nil && strings.EqualFold(n.Bounce.BounceType, "Permanent"):
		reason, feedback = Bounced, n.Bounce.FeedbackID
		for _, r := range n.Bounce.BouncedRecipients {
			addrs = append(addrs, r.EmailAddress)
		}
	case n.NotificationType == "Complaint" && n.Complaint != nil:
		reason, feedback = Complained, n.Complaint.FeedbackID
		for _, r := range n.Complaint.ComplainedRecipients {
			addrs = append(addrs, r.EmailAddress)
		}
	}
	for _, a := range addrs {
		if err := e.Suppress(ctx, a, reason, feedback); err != nil {
			return 0, err
		}
	}
	return len(addrs), nil
}

// SNS is the mail-events Lambda's handler: SES publishes bounce and
// complaint notifications to the SNS topic, one per record.
func (e *Events) SNS(ctx context.Context, ev events.SNSEvent) error {
	for _, r := range ev.Records {
		if _, err := e.Handle(ctx, r.SNS.Message); err != nil {
			return err
		}
	}
	return nil
}
