package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/store"
)

// A staff user's item carries the staff index keys (GSI1 STAFF / email)
// while it has a staff role, so admins list the staff with one query. The
// admins counter (ADMINS / COUNT) counts the users whose role is admin:
// every write that makes or unmakes an admin moves it in the same
// transaction, and a decrement holds only while it leaves one admin, so no
// race can leave the portal without one. A missing counter is zero: a fresh
// deployment, where only the bootstrap invitation may make the first admin.

// staffPartition is the GSI1 partition of every staff user; the sort key is
// the email, so the list comes in address order.
const staffPartition = "STAFF"

// attrAdmins is the counter's attribute.
const attrAdmins = "admins"

func adminsKey() store.Key { return store.Key{PK: "ADMINS", SK: "COUNT"} }

// staffIndex files u in the staff index when it has a staff role.
func staffIndex(u *User) {
	if u.StaffRole != "" {
		u.GSI1PK, u.GSI1SK = staffPartition, u.Email
	}
}

// Staff is the staff side of users: their roles, the admins counter and
// the staff list. The staff package, which invites staff and changes their
// roles, puts these items into its own transactions.
type Staff struct {
	Store *store.Store
}

// ErrAdminExists refuses what only a portal without an admin may do: the
// bootstrap invitation, and signing up from it.
var ErrAdminExists = fault.New(fault.Conflict, "admin_exists", "the portal has an admin already: an admin invites further staff")

// adminCount is the write that moves the admins counter by delta. A
// decrement holds only while it leaves an admin; first (for the bootstrap)
// holds only while there is none.
func (st Staff) adminCount(delta int, first bool) (types.TransactWriteItem, error) {
	upd := expression.Add(expression.Name(attrAdmins), expression.Value(delta))
	var cond *expression.ConditionBuilder
	switch {
	case first:
		cond = new(noAdmins())
	case delta < 0:
		cond = new(expression.Name(attrAdmins).GreaterThan(expression.Value(-delta)))
	}
	return store.TxUpdate(st.Store.Table, adminsKey(), upd, cond)
}

// AdminCountItem is the transaction item that moves the admins counter by
// delta: +1 when someone becomes an admin, -1 when an admin stops being one
// (which holds only while another admin is left).
func (st Staff) AdminCountItem(delta int) (types.TransactWriteItem, error) {
	return st.adminCount(delta, false)
}

func noAdmins() expression.ConditionBuilder {
	return expression.Or(expression.AttributeNotExists(expression.Name(attrAdmins)),
		expression.Name(attrAdmins).Equal(expression.Value(0)))
}

// NoAdminCheck is the transaction item that holds only while the portal
// has no admin: the bootstrap invitation is written only so.
func (st Staff) NoAdminCheck() (types.TransactWriteItem, error) {
	return store.TxCheck(st.Store.Table, adminsKey(), noAdmins())
}

// Admins is how many admins the counter holds.
func (st Staff) Admins(ctx context.Context) (int, error) {
	var c struct {
		Admins int `dynamodbav:"admins"`
	}
	if _, err := st.Store.Get(ctx, adminsKey(), &c); err != nil {
		return 0, fmt.Errorf("read admins counter: %w", err)
	}
	return c.Admins, nil
}

// ActiveAdminCheck is the transaction item that holds only while user id
// is an active admin: the admin acting, or the one who sent a staff
// invitation, must still be one when the write lands.
func (st Staff) ActiveAdminCheck(id string) (types.TransactWriteItem, error) {
	cond := expression.Name("staffRole").Equal(expression.Value(Admin)).
		And(expression.Name("status").Equal(expression.Value(Active)))
	return store.TxCheck(st.Store.Table, userKey(id), cond)
}

// RoleItem is the transaction item that moves user id's staff role from
// `from` to `to`, on the condition that it still is `from`. An empty `to`
// takes the user off the staff: no role, out of the staff list, and
// deactivated, so they can no longer sign in (the user stays, for the audit
// trail).
func (st Staff) RoleItem(id string, from, to StaffRole) (types.TransactWriteItem, error) {
	cond := expression.Name("staffRole").Equal(expression.Value(from))
	upd := expression.Set(expression.Name("staffRole"), expression.Value(to))
	if to == "" {
		upd = expression.Remove(expression.Name("staffRole")).Remove(expression.Name("GSI1PK")).Remove(expression.Name("GSI1SK")).
			Set(expression.Name("status"), expression.Value(Deactivated))
	}
	return store.TxUpdate(st.Store.Table, userKey(id), upd, &cond)
}

// List reads one page of the staff, by email: limit users after cursor,
// and the cursor of the next page ("" at the end).
func (st Staff) List(ctx context.Context, cursor string, limit int) ([]User, string, error) {
	items, next, err := st.Store.QueryPage(ctx, store.PageQuery{
		Index: "GSI1", PKName: "GSI1PK", SKName: "GSI1SK", PK: staffPartition,
		Key: store.KeyOnly("GSI1PK", staffPartition), Forward: true, Limit: limit, Cursor: cursor,
	})
	if err != nil {
		return nil, "", err
	}
	users := make([]User, 0, len(items))
	if err := attributevalue.UnmarshalListOfMaps(items, &users); err != nil {
		return nil, "", fmt.Errorf("unmarshal staff: %w", err)
	}
	return users, next, nil
}

// StaffSignUp is a staff member signing up from an invitation.
type StaffSignUp struct {
	User NewUser // with its StaffRole
	// FirstAdmin is the bootstrap invitation's sign-up: it holds only while
	// the portal has no admin.
	FirstAdmin bool
	// With are the caller's writes (the invitation spent, the inviter still
	// an admin), in the same transaction as the new user.
	With []types.TransactWriteItem
}

// SignUpStaff creates a staff user, confirmed (the invitation link proved
// the mailbox), in one transaction with the email claim, the admins counter
// (for an admin) and the caller's writes: all of it lands or none. A taken
// email is 409 email_taken; a first admin when one exists ErrAdminExists;
// a failed condition of the caller's writes a *store.TxError whose Reasons
// are those of su.With alone, in order.
func (s *Service) SignUpStaff(ctx context.Context, su StaffSignUp, c Client) (*User, error) {
	nu := su.User
	if nu.StaffRole != Admin && nu.StaffRole != SCSS {
		return nil, fmt.Errorf("sign up staff: role %q is not a staff role", nu.StaffRole)
	}
	if broken := s.Policy.Check(nu.Password, nu.Email, nu.Name); len(broken) > 0 {
		return nil, password.Rejected(broken)
	}
	u, err := s.newUser(nu)
	if err != nil {
		return nil, err
	}
	var items []types.TransactWriteItem // after the claim and the user
	if nu.StaffRole == Admin {
		count, err := Staff{Store: s.Store}.adminCount(1, su.FirstAdmin)
		if err != nil {
			return nil, err
		}
		items = append(items, count)
	}
	counted := len(items)
	err = s.insert(ctx, u, append(items, su.With...)...)
	var te *store.TxError
	switch {
	case errors.As(err, &te) && counted == 1 && te.FailedAt(2):
		return nil, ErrAdminExists
	case errors.As(err, &te) && len(te.Reasons) >= 2+counted:
		return nil, &store.TxError{Reasons: te.Reasons[2+counted:], Err: te.Err}
	case err != nil:
		return nil, err
	}
	s.record(ctx, audit.Event{UserID: u.ID, ActorID: u.ID, Action: audit.SignUp, IP: c.IP, UserAgent: c.UserAgent})
	return u, nil
}
