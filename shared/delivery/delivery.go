// Package delivery keeps what SES tells the portal about its email: the
// addresses that bounced or complained are suppressed (never mailed again).
// The suppression list is the one record of an address's delivery status:
// the account owner's user list reads it from here (Statuses).
package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Statuses an address can have.
const (
	OK         = "ok" // never bounced nor complained
	Bounced    = "bounced"
	Complained = "complained"
)

// List is the suppression list, one partition of the table.
type List struct {
	Store *store.Store
	Now   func() time.Time
}

// Events applies SES's bounce and complaint notifications: the address goes
// on the List.
type Events struct {
	List *List
}

type suppressed struct {
	store.Key
	Email      string    `dynamodbav:"email"`
	Reason     string    `dynamodbav:"reason"`
	FeedbackID string    `dynamodbav:"feedbackId"`
	At         time.Time `dynamodbav:"at"`
}

func key(email string) store.Key { return store.Key{PK: "SUPPRESS", SK: email} }

// Suppress records that email bounced or complained (the latest reason
// wins): it is not mailed again, and its delivery status is the reason.
func (e *Events) Suppress(ctx context.Context, email, reason, feedbackID string) error {
	l := e.List
	norm, err := mail.Normalize(email)
	if err != nil {
		return nil // not an address the portal could have sent to
	}
	if err := l.Store.Put(ctx, suppressed{Key: key(norm), Email: norm, Reason: reason, FeedbackID: feedbackID, At: l.Now().UTC()}, nil); err != nil {
		return fmt.Errorf("suppress %s: %w", norm, err)
	}
	return nil
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

// Statuses returns the delivery status of each address: Bounced or
// Complained for a suppressed one, OK otherwise. The map is keyed by the
// addresses as given. It reads the list in one BatchGetItem per 100
// distinct addresses, for a page that shows many users.
func (l *List) Statuses(ctx context.Context, emails []string) (map[string]string, error) {
	out := make(map[string]string, len(emails))
	seen := make(map[string]bool, len(emails))
	var norms []string // distinct: a batch must not name a key twice
	for _, e := range emails {
		out[e] = OK
		if norm, err := mail.Normalize(e); err == nil && !seen[norm] {
			seen[norm] = true
			norms = append(norms, norm)
		}
	}
	reasons := make(map[string]string, len(norms))
	for chunk := range slices.Chunk(norms, 100) {
		keys := make([]store.Key, 0, len(chunk))
		for _, n := range chunk {
			keys = append(keys, key(n))
		}
		items, err := l.Store.BatchGet(ctx, keys)
		if err != nil {
			return nil, fmt.Errorf("read delivery statuses: %w", err)
		}
		for _, item := range items {
			var s suppressed
			if err := attributevalue.UnmarshalMap(item, &s); err != nil {
				return nil, fmt.Errorf("unmarshal suppressed address: %w", err)
			}
			reasons[s.Email] = s.Reason
		}
	}
	for _, e := range emails {
		if norm, err := mail.Normalize(e); err == nil && reasons[norm] != "" {
			out[e] = reasons[norm]
		}
	}
	return out, nil
}

// Suppressed returns every suppressed address (one query), for a job that
// mails many.
func (l *List) Suppressed(ctx context.Context) (map[string]bool, error) {
	var all []suppressed
	if err := l.Store.Query(ctx, "", store.KeyOnly(store.AttrPK, "SUPPRESS"), true, &all); err != nil {
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
