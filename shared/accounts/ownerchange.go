package accounts

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Address is a street address (never a post-office box).
type Address struct {
	Street     string `json:"street" dynamodbav:"street"`
	Street2    string `json:"street2,omitempty" dynamodbav:"street2,omitempty"`
	City       string `json:"city" dynamodbav:"city"`
	State      string `json:"state,omitempty" dynamodbav:"state,omitempty"`
	PostalCode string `json:"postalCode" dynamodbav:"postalCode"`
	Country    string `json:"country" dynamodbav:"country"`
}

// NewOwner is who the application names as the new account owner.
type NewOwner struct {
	Name        string `json:"name" dynamodbav:"name"`
	DateOfBirth string `json:"dateOfBirth" dynamodbav:"dateOfBirth"`
	Phone       string `json:"phone" dynamodbav:"phone"`
	Email       string `json:"email" dynamodbav:"email"`
}

// OwnerChangeApplication is the body of
// POST /v1/accounts/{accountId}/owner-change-requests.
type OwnerChangeApplication struct {
	EIN           string   `json:"ein"`
	CompanyName   string   `json:"companyName"`
	FiscalYearEnd string   `json:"fiscalYearEnd"`
	Address       Address  `json:"address"`
	NewOwner      NewOwner `json:"newOwner"`
	Justification string   `json:"justification"`
}

// Limits of the application's free-text fields.
const (
	MinJustification = 20
	MaxJustification = 2000
	maxLine          = 200
)

var (
	einPattern   = regexp.MustCompile(`^\d{2}-\d{7}$`)
	phonePattern = regexp.MustCompile(`^\+?[0-9 ().-]{7,25}$`)
	// poBox matches the common spellings of a post-office box: PO Box,
	// P.O. Box, P O Box, POB, P.O.B., Post Office Box, Postal Box, PO#,
	// Pobox, and a line that starts "Box 12".
	poBox = regexp.MustCompile(`(?i)(\bp\s*\.?\s*o\s*\.?\s*(b\s*\.?\s*(o\s*x)?\b|#|\s+\d)|\bpost(al)?\s*(office\s*)?box\b|\bpobox|^\s*box\s*#?\s*\d)`)
)

// IsPOBox reports whether an address line names a post-office box.
func IsPOBox(line string) bool { return poBox.MatchString(line) }

// ValidEIN reports whether s is an employer identification number as
// NN-NNNNNNN (and not all zeros).
func ValidEIN(s string) bool {
	return einPattern.MatchString(s) && strings.Trim(s, "0-") != ""
}

// ValidFiscalYearEnd reports whether s is MM/DD naming a real day of the
// year (02/29 counts: a fiscal year may end on the last day of February).
func ValidFiscalYearEnd(s string) bool {
	if len(s) != 5 || s[2] != '/' {
		return false
	}
	_, err := time.Parse("2006/01/02", "2024/"+s)
	return err == nil
}

// ValidDateOfBirth reports whether s is YYYY-MM-DD, not before 1900-01-01 and
// not after today.
func ValidDateOfBirth(s string, today time.Time) bool {
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		return false
	}
	return !d.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) && !d.After(today)
}

// ValidPhone reports whether s looks like a phone number: 7 to 15 digits,
// with the usual separators and an optional leading +.
func ValidPhone(s string) bool {
	if !phonePattern.MatchString(s) || strings.Count(s, "+") > 1 {
		return false
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 7 && digits <= 15
}

// Validate checks every field and names each one that is wrong, in one 400.
func (a OwnerChangeApplication) Validate(today time.Time) (OwnerChangeApplication, error) {
	var p problems
	if !ValidEIN(strings.TrimSpace(a.EIN)) {
		p.Add("ein", "must be an EIN as NN-NNNNNNN")
	}
	a.CompanyName = cleanName(&p, "companyName", a.CompanyName)
	if !ValidFiscalYearEnd(strings.TrimSpace(a.FiscalYearEnd)) {
		p.Add("fiscalYearEnd", "must be a real day as MM/DD")
	}
	ad := &a.Address
	ad.Street = line(&p, "address.street", ad.Street, true)
	ad.Street2 = line(&p, "address.street2", ad.Street2, false)
	for field, l := range map[string]string{"address.street": ad.Street, "address.street2": ad.Street2} {
		if IsPOBox(l) {
			p.Add(field, "must be a street address, not a post-office box")
		}
	}
	ad.City = line(&p, "address.city", ad.City, true)
	ad.State = line(&p, "address.state", ad.State, false)
	ad.PostalCode = line(&p, "address.postalCode", ad.PostalCode, true)
	ad.Country = strings.ToUpper(strings.TrimSpace(ad.Country))
	if len(ad.Country) != 2 || strings.Trim(ad.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		p.Add("address.country", "must be a two-letter country code (ISO 3166-1)")
	}
	no := &a.NewOwner
	no.Name = cleanName(&p, "newOwner.name", no.Name)
	if !ValidDateOfBirth(strings.TrimSpace(no.DateOfBirth), today) {
		p.Add("newOwner.dateOfBirth", "must be a date as YYYY-MM-DD, from 1900-01-01 to today")
	}
	if !ValidPhone(strings.TrimSpace(no.Phone)) {
		p.Add("newOwner.phone", "must be a phone number of 7 to 15 digits")
	}
	email, err := mail.Normalize(no.Email)
	if err != nil {
		p.Add("newOwner.email", "is not a valid email address")
	}
	no.Email = email
	j := strings.TrimSpace(a.Justification)
	if n := utf8.RuneCountInString(j); n < MinJustification || n > MaxJustification {
		p.Add("justification", "must be %d to %d characters", MinJustification, MaxJustification)
	}
	a.Justification = j
	a.EIN, a.FiscalYearEnd = strings.TrimSpace(a.EIN), strings.TrimSpace(a.FiscalYearEnd)
	no.DateOfBirth, no.Phone = strings.TrimSpace(no.DateOfBirth), strings.TrimSpace(no.Phone)
	return a, sortedErr(p)
}

// sortedErr reports the problems in the order of the form (map iteration
// above may add the address lines in any order).
func sortedErr(p problems) error {
	order := []string{"ein", "companyName", "fiscalYearEnd", "address.street", "address.street2", "address.city", "address.state",
		"address.postalCode", "address.country", "newOwner.name", "newOwner.dateOfBirth", "newOwner.phone", "newOwner.email", "justification"}
	var out problems
	for _, f := range order {
		for _, d := range p {
			if d.Field == f {
				out = append(out, d)
			}
		}
	}
	return out.Err()
}

func line(p *problems, field, s string, required bool) string {
	l := strings.Join(strings.Fields(s), " ")
	switch {
	case l == "" && required:
		p.Add(field, "is required")
	case utf8.RuneCountInString(l) > maxLine:
		p.Add(field, "is longer than %d characters", maxLine)
	}
	return l
}

// OwnerChangeRequest is a filed application and its decision.
type OwnerChangeRequest struct {
	store.Key
	GSI1PK      string                 `dynamodbav:"GSI1PK" json:"-"`
	GSI1SK      string                 `dynamodbav:"GSI1SK" json:"-"`
	ID          string                 `dynamodbav:"id" json:"id"`
	AccountID   string                 `dynamodbav:"accountId" json:"accountId"`
	ApplicantID string                 `dynamodbav:"applicantId" json:"applicantId"`
	Applicant   string                 `dynamodbav:"applicantEmail" json:"applicantEmail"`
	Application OwnerChangeApplication `dynamodbav:"application" json:"application"`
	Status      string                 `dynamodbav:"status" json:"status"`
	Comment     string                 `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
	DecidedBy   string                 `dynamodbav:"decidedBy,omitempty" json:"decidedBy,omitempty"`
	CreatedAt   time.Time              `dynamodbav:"createdAt" json:"createdAt"`
	DecidedAt   *time.Time             `dynamodbav:"decidedAt,omitempty" json:"decidedAt,omitempty"`
}

func ocrKey(id string) store.Key { return store.Key{PK: "OCR#" + id, SK: "OCR"} }

// ApplyOwnerChange files an application for a new owner of the account and
// tells the account's owners by email. Any signed-in user may file one (the
// new AO is often not yet a member); it changes nothing until an admin
// approves it. Whether the account exists is not told: for an unknown id the
// same reads are made, nothing is stored, no one is mailed, and the request
// is nil without an error (the handler answers alike, in a steady time).
func (s *Service) ApplyOwnerChange(ctx context.Context, p Principal, accountID string, a OwnerChangeApplication) (*OwnerChangeRequest, error) {
	acc, err := s.account(ctx, accountID)
	if err != nil && !fault.Is(err, fault.NotFound) {
		return nil, err
	}
	members, err := s.members(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return nil, nil
	}
	if acc.IsSuspended() && slices.ContainsFunc(members, func(m Member) bool { return m.UserID == p.UserID }) {
		return nil, errSuspended(acc) // its members change nothing, this included; others file as ever
	}
	now := s.Now().UTC()
	req := &OwnerChangeRequest{ID: store.NewID(), AccountID: acc.ID, ApplicantID: p.UserID, Applicant: p.Email, Application: a,
		Status: "pending", CreatedAt: now}
	req.Key = ocrKey(req.ID)
	req.GSI1PK, req.GSI1SK = "OCR#pending", now.Format(time.RFC3339Nano)+"#"+req.ID
	if err := s.Store.Put(ctx, req, nil); err != nil {
		return nil, fmt.Errorf("file owner change: %w", err)
	}
	s.record(ctx, p, acc.ID, audit.Event{Action: audit.OwnerChangeRequested, Details: map[string]string{"requestId": req.ID, "newOwner": a.NewOwner.Email}})
	data := map[string]any{"AccountName": acc.Name, "OrgName": acc.OrgName, "Applicant": p.Name, "ApplicantEmail": p.Email,
		"NewOwner": a.NewOwner.Name, "NewOwnerEmail": a.NewOwner.Email, "FiledAt": now.Format("2 January 2006, 15:04 UTC"),
		"AccountURL": s.PortalURL + "/accounts/" + url.PathEscape(acc.ID)}
	for _, m := range members {
		if m.Role != Owner {
			continue
		}
		if err := s.Mail.Send(ctx, mail.Message{To: m.Email, Template: "owner_change_filed", Data: data}); err != nil {
			s.Log.ErrorContext(ctx, "owner-change notice to an owner not sent", "err", err.Error())
		}
	}
	return req, nil
}

// OwnerChangeRequests lists the applications with the status (admins).
func (s *Service) OwnerChangeRequests(ctx context.Context, p Principal, status string) ([]OwnerChangeRequest, error) {
	if err := Decide(p, Administer, true, ""); err != nil {
		return nil, err
	}
	out := []OwnerChangeRequest{}
	if err := s.Store.Query(ctx, "GSI1", store.KeyOnly("GSI1PK", "OCR#"+status), true, &out); err != nil {
		return nil, fmt.Errorf("list owner changes: %w", err)
	}
	return out, nil
}

// DecideOwnerChange approves or rejects a pending application (admins).
// Approval invites the new AO as owner; both sides are told by email.
func (s *Service) DecideOwnerChange(ctx context.Context, p Principal, id, decision, comment string) error {
	if err := Decide(p, Administer, true, ""); err != nil {
		return err
	}
	var req OwnerChangeRequest
	found, err := s.Store.Get(ctx, ocrKey(id), &req)
	if err != nil {
		return err
	}
	if !found {
		return fault.New(fault.NotFound, "request_not_found", "no such owner-change request")
	}
	status := map[string]string{"approve": "approved", "reject": "rejected"}[decision]
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("status"), expression.Value(status)).
		Set(expression.Name("comment"), expression.Value(comment)).
		Set(expression.Name("decidedBy"), expression.Value(p.UserID)).
		Set(expression.Name("decidedAt"), expression.Value(now)).
		Set(expression.Name("GSI1PK"), expression.Value("OCR#"+status))
	cond := expression.Name("status").Equal(expression.Value("pending"))
	if err := s.Store.Update(ctx, ocrKey(id), upd, &cond, nil); err != nil {
		if errors.Is(err, store.ErrConditionFailed) {
			return fault.New(fault.Conflict, "already_decided", "this request was already decided")
		}
		return err
	}
	acc, err := s.account(ctx, req.AccountID)
	if err != nil {
		return err
	}
	s.record(ctx, p, acc.ID, audit.Event{Action: map[string]string{"approved": audit.OwnerChangeApproved, "rejected": audit.OwnerChangeRejected}[status], Details: map[string]string{"requestId": id}})
	// Anyone may file for any account id: a rejected applicant is not told
	// the name of the account they named.
	name := ""
	if status == "approved" {
		name = acc.Name
	}
	data := map[string]any{"AccountName": name, "Decision": status, "Comment": comment, "NewOwner": req.Application.NewOwner.Name,
		"FiledAt": req.CreatedAt.UTC().Format("2 January 2006")}
	if err := s.Mail.Send(ctx, mail.Message{To: req.Applicant, Template: "owner_change_decided", Data: data}); err != nil {
		s.Log.ErrorContext(ctx, "owner-change decision email not sent", "err", err.Error())
	}
	if status != "approved" {
		return nil
	}
	return s.invite(ctx, p, acc, req.Application.NewOwner.Email, Owner)
}
