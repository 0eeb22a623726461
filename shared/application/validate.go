package application

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/company"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
)

// Request is the body of POST /v1/applications.
type Request struct {
	Programs    []string `json:"programs"`
	Company     Company  `json:"company"`
	Contact     Contact  `json:"contact"`
	Attestation bool     `json:"attestation"`
}

// Filing is a validated Request: the application as it is stored, and the
// company identifier the open locks key on.
type Filing struct {
	Programs   []string
	Company    Company
	Contact    Contact
	Identifier string
}

// Validate checks every field and names each one that is wrong, in the
// order of the form, in one 400 (fault.Fields).
func (r Request) Validate() (Filing, error) {
	var f fault.Fields
	out := Filing{}
	if len(r.Programs) == 0 {
		f.Add("programs", "name at least one of %s", strings.Join(accounts.Programs, ", "))
	}
	for _, p := range r.Programs {
		switch {
		case !slices.Contains(accounts.Programs, p):
			f.Add("programs", "%q is not one of %s", p, strings.Join(accounts.Programs, ", "))
		case !slices.Contains(out.Programs, p):
			out.Programs = append(out.Programs, p)
		}
	}
	out.Company, out.Identifier = r.Company.check(&f)
	out.Contact = r.Contact.check(&f)
	if !r.Attestation {
		f.Add("attestation", "must be true: confirm that the information is true and that you may apply for the company")
	}
	return out, f.Err()
}

func (c Company) check(f *fault.Fields) (Company, string) {
	c.LegalName = name(f, "company.legalName", c.LegalName)
	var identifier string
	ein, filer := strings.TrimSpace(c.EIN), strings.TrimSpace(c.ProtestFilerNumber)
	switch {
	case ein == "" && filer == "":
		f.Add("company.ein", "give the company's EIN (NN-NNNNNNN) or its Protest Filer number (NNNNNN-NNNNN)")
	case ein != "" && filer != "":
		f.Add("company.ein", "give the EIN or the Protest Filer number, not both")
		f.Add("company.protestFilerNumber", "give the EIN or the Protest Filer number, not both")
	case ein != "":
		n, ok := company.NormalizeEIN(ein)
		if !ok {
			f.Add("company.ein", "must be an EIN as NN-NNNNNNN")
		}
		c.EIN, identifier = n, "ein:"+n
	default:
		n, ok := company.NormalizeProtestFiler(filer)
		if !ok {
			f.Add("company.protestFilerNumber", "must be a Protest Filer number as NNNNNN-NNNNN (a CBP-assigned number)")
		}
		c.ProtestFilerNumber, identifier = n, "filer:"+n
	}
	if !slices.Contains(accounts.EntityTypes, c.EntityType) {
		f.Add("company.entityType", "must be one of %s", strings.Join(accounts.EntityTypes, ", "))
	}
	c.Address = c.Address.Check(f, "company.address")
	c.Phone, c.PhoneExtension = phone(f, "company", c.Phone, c.PhoneExtension)
	return c, identifier
}

func (c Contact) check(f *fault.Fields) Contact {
	c.Name = name(f, "contact.name", c.Name)
	email, err := mail.Normalize(c.Email)
	if err != nil {
		f.Add("contact.email", "is not a valid email address")
	}
	c.Email = email
	c.Phone, c.PhoneExtension = phone(f, "contact", c.Phone, c.PhoneExtension)
	c.Title = company.Line(f, "contact.title", c.Title, false)
	return c
}

// phone checks the phone number and optional extension under prefix.
func phone(f *fault.Fields, prefix, number, ext string) (string, string) {
	n, ok := company.NormalizePhone(number)
	if !ok {
		f.Add(prefix+".phone", "must be a phone number of 7 to 15 digits (an extension goes in %s.phoneExtension)", prefix)
	}
	ext = strings.TrimSpace(ext)
	if ext != "" && !company.ValidExtension(ext) {
		f.Add(prefix+".phoneExtension", "must be 1 to 6 digits")
	}
	return n, ext
}

// MaxNameLength bounds a company's and a person's name.
const MaxNameLength = accounts.MaxNameLength

// name cleans a name that goes into emails (mail.Name) and checks it is
// given and not too long.
func name(f *fault.Fields, field, s string) string {
	n, err := mail.Name(s)
	switch {
	case err != nil:
		f.Add(field, "%v", err)
	case n == "":
		f.Add(field, "is required")
	case utf8.RuneCountInString(n) > MaxNameLength:
		f.Add(field, "is longer than %d characters", MaxNameLength)
	}
	return n
}

// Decisions an admin makes.
const (
	Approve = "approve"
	Reject  = "reject"
)

// MaxComment bounds a decision's comment.
const MaxComment = 2000

// DecisionRequest is the body of POST /v1/applications/{id}/decision.
type DecisionRequest struct {
	Decision       string `json:"decision"`
	Comment        string `json:"comment"`
	OrganizationID string `json:"organizationId"`
	SpecialistID   string `json:"specialistId"`
}

// Validate checks the decision and names every wrong field: a rejection
// needs a comment (the applicant is sent it); only an approval joins an
// organisation or names a specialist.
func (d DecisionRequest) Validate() (DecisionRequest, error) {
	var f fault.Fields
	if d.Decision != Approve && d.Decision != Reject {
		f.Add("decision", "must be approve or reject")
	}
	comment, err := mail.Name(d.Comment)
	switch {
	case err != nil:
		f.Add("comment", "%v", err)
	case comment == "" && d.Decision == Reject:
		f.Add("comment", "is required to reject: the applicant is told the reason")
	case utf8.RuneCountInString(comment) > MaxComment:
		f.Add("comment", "is longer than %d characters", MaxComment)
	}
	d.Comment = comment
	d.OrganizationID, d.SpecialistID = strings.TrimSpace(d.OrganizationID), strings.TrimSpace(d.SpecialistID)
	if d.OrganizationID != "" && (d.Decision == Reject || !idLike(d.OrganizationID)) {
		f.Add("organizationId", "is an organisation's id, and only an approval joins one")
	}
	if d.SpecialistID != "" && (d.Decision == Reject || !idLike(d.SpecialistID)) {
		f.Add("specialistId", "is a specialist's user id, and only an approval assigns one")
	}
	return d, f.Err()
}

// idLike reports whether s could be an id: at most 64 characters of
// letters, digits, hyphens and underscores.
func idLike(s string) bool {
	if len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
