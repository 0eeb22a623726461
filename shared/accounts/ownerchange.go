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

// NewOwner is who the application names for the account: the new account
// owner (TAO) or a new point of contact.
type NewOwner struct {
	FirstName      string `json:"firstName" dynamodbav:"firstName"`
	MiddleName     string `json:"middleName,omitempty" dynamodbav:"middleName,omitempty"`
	LastName       string `json:"lastName" dynamodbav:"lastName"`
	DateOfBirth    string `json:"dateOfBirth" dynamodbav:"dateOfBirth"`
	Phone          string `json:"phone" dynamodbav:"phone"`
	PhoneExtension string `json:"phoneExtension,omitempty" dynamodbav:"phoneExtension,omitempty"`
	Fax            string `json:"fax,omitempty" dynamodbav:"fax,omitempty"`
	// LegacyLoginID is the person's user id in the legacy or ACE portal,
	// when they have one.
	LegacyLoginID string `json:"legacyLoginId,omitempty" dynamodbav:"legacyLoginId,omitempty"`
	Email         string `json:"email" dynamodbav:"email"`
}

// FullName is the person's first, middle and last name.
func (n NewOwner) FullName() string {
	return strings.Join(strings.Fields(n.FirstName+" "+n.MiddleName+" "+n.LastName), " ")
}

// What the application asks for: the new person's role, and what becomes of
// the account's other owners when the new owner accepts.
const (
	PreviousOwnerUser  = "user"  // they stay, as plain users
	PreviousOwnerLeave = "leave" // their membership ends
)

// OwnerChangeApplication is the body of
// POST /v1/accounts/{accountId}/owner-change-requests.
type OwnerChangeApplication struct {
	// EIN or ProtestFilerNumber identifies the company: exactly one of them.
	EIN                string   `json:"ein,omitempty"`
	ProtestFilerNumber string   `json:"protestFilerNumber,omitempty"`
	CompanyName        string   `json:"companyName"`
	FiscalYearEnd      string   `json:"fiscalYearEnd"`
	Address            Address  `json:"address"`
	NewOwner           NewOwner `json:"newOwner"`
	// NewRole is Owner (the new trade account owner) or POC.
	NewRole string `json:"newRole"`
	// PreviousOwner says, when NewRole is Owner, what becomes of the
	// account's other owners once the new owner accepts:
	// PreviousOwnerUser or PreviousOwnerLeave. Empty for a POC.
	PreviousOwner string `json:"previousOwner,omitempty"`
	Justification string `json:"justification"`
}

// Limits of the application's free-text fields.
const (
	MinJustification = 20
	MaxJustification = 2000
	maxLine          = 200
)

var (
	einPattern   = regexp.MustCompile(`^\d{2}-\d{7}$`)
	pfnPattern   = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
	phonePattern = regexp.MustCompile(`^\+?[0-9 ().-]{7,25}$`)
	extPattern   = regexp.MustCompile(`^[0-9]{1,6}$`)
	loginPattern = regexp.MustCompile(`^[A-Za-z0-9._@-]{1,64}$`)
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

// ValidProtestFilerNumber reports whether s can be a Protest Filer number:
// 3 to 20 capital letters and digits, at least one digit, in groups joined
// by single hyphens (the portal checks the form, not the number's issue).
func ValidProtestFilerNumber(s string) bool {
	return len(s) >= 3 && len(s) <= 20 && pfnPattern.MatchString(s) && strings.ContainsAny(s, "0123456789")
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

// MinAge is how old, in years, the person an application names must be.
const MinAge = 18

// ValidDateOfBirth reports whether s is YYYY-MM-DD, not before 1900-01-01
// and at least MinAge years before today (someone born on 29 February
// comes of age on 1 March in a common year).
func ValidDateOfBirth(s string, today time.Time) bool {
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		return false
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)) && !d.AddDate(MinAge, 0, 0).After(day)
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
	a.EIN = strings.TrimSpace(a.EIN)
	a.ProtestFilerNumber = strings.ToUpper(strings.TrimSpace(a.ProtestFilerNumber))
	switch {
	case a.EIN == "" && a.ProtestFilerNumber == "":
		p.Add("ein", "give the company's EIN or its Protest Filer number")
		p.Add("protestFilerNumber", "give the company's EIN or its Protest Filer number")
	case a.EIN != "" && a.ProtestFilerNumber != "":
		p.Add("ein", "give the EIN or the Protest Filer number, not both")
		p.Add("protestFilerNumber", "give the EIN or the Protest Filer number, not both")
	case a.EIN != "" && !ValidEIN(a.EIN):
		p.Add("ein", "must be an EIN as NN-NNNNNNN")
	case a.ProtestFilerNumber != "" && !ValidProtestFilerNumber(a.ProtestFilerNumber):
		p.Add("protestFilerNumber", "must be 3 to 20 letters and digits (with at least one digit), in groups joined by hyphens")
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
	a.NewOwner = a.NewOwner.validate(&p, today)
	a.NewRole = strings.TrimSpace(a.NewRole)
	a.PreviousOwner = strings.TrimSpace(a.PreviousOwner)
	switch a.NewRole {
	case Owner:
		if a.PreviousOwner != PreviousOwnerUser && a.PreviousOwner != PreviousOwnerLeave {
			p.Add("previousOwner", "must be %s (the current owners stay as users) or %s (they leave the account)", PreviousOwnerUser, PreviousOwnerLeave)
		}
	case POC:
		if a.PreviousOwner != "" {
			p.Add("previousOwner", "applies only when newRole is %s: a new point of contact leaves the owners as they are", Owner)
		}
	default:
		p.Add("newRole", "must be %s (the new trade account owner) or %s (a point of contact)", Owner, POC)
	}
	j := strings.TrimSpace(a.Justification)
	if n := utf8.RuneCountInString(j); n < MinJustification || n > MaxJustification {
		p.Add("justification", "must be %d to %d characters", MinJustification, MaxJustification)
	}
	a.Justification = j
	a.FiscalYearEnd = strings.TrimSpace(a.FiscalYearEnd)
	return a, sortedErr(p)
}

// validate checks the person's fields into p and returns them cleaned.
func (no NewOwner) validate(p *problems, today time.Time) NewOwner {
	no.FirstName = cleanName(p, "newOwner.firstName", no.FirstName)
	if no.MiddleName != "" {
		no.MiddleName = cleanName(p, "newOwner.middleName", no.MiddleName)
	}
	no.LastName = cleanName(p, "newOwner.lastName", no.LastName)
	no.DateOfBirth = strings.TrimSpace(no.DateOfBirth)
	if !ValidDateOfBirth(no.DateOfBirth, today) {
		p.Add("newOwner.dateOfBirth", "must be a date as YYYY-MM-DD, from 1900-01-01 and at least %d years ago", MinAge)
	}
	no.Phone = strings.TrimSpace(no.Phone)
	if !ValidPhone(no.Phone) {
		p.Add("newOwner.phone", "must be a phone number of 7 to 15 digits")
	}
	no.PhoneExtension = strings.TrimSpace(no.PhoneExtension)
	if no.PhoneExtension != "" && !extPattern.MatchString(no.PhoneExtension) {
		p.Add("newOwner.phoneExtension", "must be 1 to 6 digits")
	}
	no.Fax = strings.TrimSpace(no.Fax)
	if no.Fax != "" && !ValidPhone(no.Fax) {
		p.Add("newOwner.fax", "must be a phone number of 7 to 15 digits")
	}
	no.LegacyLoginID = strings.TrimSpace(no.LegacyLoginID)
	if no.LegacyLoginID != "" && !loginPattern.MatchString(no.LegacyLoginID) {
		p.Add("newOwner.legacyLoginId", "must be 1 to 64 letters, digits and . _ @ -")
	}
	email, err := mail.Normalize(no.Email)
	if err != nil {
		p.Add("newOwner.email", "is not a valid email address")
	}
	no.Email = email
	return no
}

// roleWords says in words what the application makes its person.
func (a OwnerChangeApplication) roleWords() string {
	if a.NewRole == POC {
		return "a point of contact"
	}
	return "the owner"
}

// formOrder is the order of the application's fields on the form, in which
// a 400 names them.
var formOrder = []string{"ein", "protestFilerNumber", "companyName", "fiscalYearEnd",
	"address.street", "address.street2", "address.city", "address.state", "address.postalCode", "address.country",
	"newOwner.firstName", "newOwner.middleName", "newOwner.lastName", "newOwner.dateOfBirth", "newOwner.phone",
	"newOwner.phoneExtension", "newOwner.fax", "newOwner.legacyLoginId", "newOwner.email", "newRole", "previousOwner", "justification"}

// sortedErr reports the problems in the order of the form (map iteration
// above may add the address lines in any order).
func sortedErr(p problems) error {
	var out problems
	for _, f := range formOrder {
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
	// CompletedBy and CompletedAt say who accepted the invitation an
	// approval sent, and when: the change then took effect.
	CompletedBy string     `dynamodbav:"completedBy,omitempty" json:"completedBy,omitempty"`
	CompletedAt *time.Time `dynamodbav:"completedAt,omitempty" json:"completedAt,omitempty"`
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
		"NewOwner": a.NewOwner.FullName(), "NewOwnerEmail": a.NewOwner.Email, "Role": a.roleWords(), "FiledAt": now.Format("2 January 2006, 15:04 UTC"),
		"AccountURL": s.PortalURL + "/accounts/" + url.PathEscape(acc.ID) + "/owner-change"}
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
	data := map[string]any{"AccountName": name, "Decision": status, "Comment": comment, "NewOwner": req.Application.NewOwner.FullName(), "Role": req.Application.roleWords(),
		"FiledAt": req.CreatedAt.UTC().Format("2 January 2006")}
	if err := s.Mail.Send(ctx, mail.Message{To: req.Applicant, Template: "owner_change_decided", Data: data}); err != nil {
		s.Log.ErrorContext(ctx, "owner-change decision email not sent", "err", err.Error())
	}
	if status != "approved" {
		return nil
	}
	inv := Invitation{Email: req.Application.NewOwner.Email, Role: req.Application.NewRole, OwnerChangeID: req.ID}
	if inv.Role != POC { // applications filed before the role was asked name an owner
		inv.Role, inv.PreviousOwners = Owner, req.Application.PreviousOwner
	}
	return s.sendInvitation(ctx, p, acc, inv)
}
