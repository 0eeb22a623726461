package accounts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
)

const dateLayout = "2006-01-02"

// MaxNameLength bounds organisation, account and relationship names.
const MaxNameLength = 200

// problems collects field problems into one 400 (see fault.Fields).
type problems = fault.Fields

// cleanName trims and collapses spaces and checks a name's length and
// characters: names go into emails, so no control, invisible or
// direction-changing character (mail.Name).
func cleanName(p *problems, field, s string) string {
	name, err := mail.Name(s)
	switch {
	case err != nil:
		p.Add(field, "%v", err)
	case name == "":
		p.Add(field, "is required")
	case utf8.RuneCountInString(name) > MaxNameLength:
		p.Add(field, "is longer than %d characters", MaxNameLength)
	}
	return name
}

// OrganizationRequest is the body of POST /v1/organizations.
type OrganizationRequest struct {
	Name string `json:"name"`
}

// Validate returns the clean name.
func (r OrganizationRequest) Validate() (string, error) {
	var p problems
	name := cleanName(&p, "name", r.Name)
	return name, p.Err()
}

// AccountRequest is the body of POST /v1/organizations/{orgId}/accounts.
type AccountRequest struct {
	Name          string   `json:"name"`
	EntityType    string   `json:"entityType"`
	Programs      []string `json:"programs"`
	OwnerEmail    string   `json:"ownerEmail"`
	SpecialistID  string   `json:"specialistId"`
	ReviewDueDate string   `json:"reviewDueDate"`
	FieldOffice   string   `json:"fieldOffice"`
}

// NewAccount is a validated account request.
type NewAccount struct {
	Name, EntityType, OwnerEmail, SpecialistID, ReviewDueDate string
	Programs                                                  []string
	FieldOffice                                               string
}

// MaxFieldOffice bounds the name of a field office.
const MaxFieldOffice = 100

// Validate checks every field and names each one that is wrong.
func (r AccountRequest) Validate() (NewAccount, error) {
	var p problems
	na := NewAccount{Name: cleanName(&p, "name", r.Name), EntityType: r.EntityType, SpecialistID: strings.TrimSpace(r.SpecialistID)}
	if !slices.Contains(EntityTypes, r.EntityType) {
		p.Add("entityType", "must be one of %s", strings.Join(EntityTypes, ", "))
	}
	switch {
	case len(r.Programs) == 0:
		p.Add("programs", "name at least one of %s", strings.Join(Programs, ", "))
	default:
		for _, prog := range r.Programs {
			if !slices.Contains(Programs, prog) {
				p.Add("programs", "%q is not one of %s", prog, strings.Join(Programs, ", "))
			} else if !slices.Contains(na.Programs, prog) {
				na.Programs = append(na.Programs, prog)
			}
		}
	}
	email, err := mail.Normalize(r.OwnerEmail)
	if err != nil {
		p.Add("ownerEmail", "is not a valid email address")
	}
	na.OwnerEmail = email
	if r.ReviewDueDate != "" {
		if _, err := time.Parse(dateLayout, r.ReviewDueDate); err != nil {
			p.Add("reviewDueDate", "must be a date as YYYY-MM-DD")
		}
		na.ReviewDueDate = r.ReviewDueDate
	}
	if len(na.SpecialistID) > 64 {
		p.Add("specialistId", "is not a user id")
	}
	office, err := mail.Name(r.FieldOffice)
	switch {
	case err != nil:
		p.Add("fieldOffice", "%v", err)
	case utf8.RuneCountInString(office) > MaxFieldOffice:
		p.Add("fieldOffice", "is longer than %d characters", MaxFieldOffice)
	}
	na.FieldOffice = office
	return na, p.Err()
}

// InvitationRequest is the body of POST /v1/accounts/{accountId}/invitations.
type InvitationRequest struct {
	Email string `json:"email"`
	Role  string `json:"role"`
}

// Validate returns the normalised email.
func (r InvitationRequest) Validate() (string, error) {
	var p problems
	email, err := mail.Normalize(r.Email)
	if err != nil {
		p.Add("email", "is not a valid email address")
	}
	if !slices.Contains(Roles, r.Role) {
		p.Add("role", "must be one of %s", strings.Join(Roles, ", "))
	}
	return email, p.Err()
}

// RoleRequest is the body of PUT /v1/accounts/{accountId}/users/{userId}/role.
type RoleRequest struct {
	Role string `json:"role"`
}

// Validate checks the role.
func (r RoleRequest) Validate() error {
	var p problems
	if !slices.Contains(Roles, r.Role) {
		p.Add("role", "must be one of %s", strings.Join(Roles, ", "))
	}
	return p.Err()
}

func unmarshal(item map[string]types.AttributeValue, out any) error {
	if err := attributevalue.UnmarshalMap(item, out); err != nil {
		return fmt.Errorf("unmarshal: %w", err)
	}
	return nil
}

type clientKey struct{}

type client struct{ ip, ua string }

// withClient puts the request's IP and user agent in ctx for the audit trail.
func withClient(ctx context.Context, ip, ua string) context.Context {
	return context.WithValue(ctx, clientKey{}, client{ip, ua})
}

func clientFrom(ctx context.Context) (string, string, bool) {
	c, ok := ctx.Value(clientKey{}).(client)
	return c.ip, c.ua, ok
}
