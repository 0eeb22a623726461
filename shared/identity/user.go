// Package identity is the portal's users: sign-up with email, password and
// three security questions; sign-in with lockout after repeated failures;
// suspension and reinstatement by staff.
package identity

import (
	"strings"
	"time"

	"github.com/partner-portal/portal/shared/store"
)

// Status is whether a user may sign in.
type Status string

// User statuses.
const (
	Active      Status = "active"
	Suspended   Status = "suspended"
	Deactivated Status = "deactivated"
)

// StaffRole is the authority staff role of a user, empty for trade partners.
type StaffRole string

// Staff roles.
const (
	Admin StaffRole = "admin"
	SCSS  StaffRole = "scss"
)

// SecurityAnswer is the hash of one answer to a catalogue question.
type SecurityAnswer struct {
	QuestionID string `dynamodbav:"questionId"`
	Hash       string `dynamodbav:"hash"`
}

// User is a person who signs in. Its email is also its user name.
type User struct {
	store.Key
	// GSI1PK and GSI1SK file a staff user in the staff list (staff.go).
	GSI1PK          string           `dynamodbav:"GSI1PK,omitempty"`
	GSI1SK          string           `dynamodbav:"GSI1SK,omitempty"`
	ID              string           `dynamodbav:"id"`
	Email           string           `dynamodbav:"email"`
	Name            string           `dynamodbav:"name"`
	PasswordHash    string           `dynamodbav:"passwordHash"`
	PasswordHistory []string         `dynamodbav:"passwordHistory"`
	SecurityAnswers []SecurityAnswer `dynamodbav:"securityAnswers"`
	Status          Status           `dynamodbav:"status"`
	StaffRole       StaffRole        `dynamodbav:"staffRole,omitempty"`
	FailedAttempts  int              `dynamodbav:"failedAttempts"`
	LockedUntil     int64            `dynamodbav:"lockedUntil,omitempty"` // epoch seconds
	LastSignInAt    *time.Time       `dynamodbav:"lastSignInAt,omitempty"`
	CreatedAt       time.Time        `dynamodbav:"createdAt"`
	ResetTokenHash  string           `dynamodbav:"resetTokenHash,omitempty"` // the one live reset token
	// EmailPending is set while the address is not yet confirmed (a
	// sign-up's verification link not yet followed); such a user cannot sign
	// in. Absent means confirmed: users from before verification existed,
	// seeded, imported and invited users.
	EmailPending    bool   `dynamodbav:"emailPending,omitempty"`
	VerifyTokenHash string `dynamodbav:"verifyTokenHash,omitempty"` // the one live verification token
}

// Locked reports whether the user is locked out at now.
func (u *User) Locked(now time.Time) bool { return u.LockedUntil > now.Unix() }

// View is what the API shows of a user.
type View struct {
	ID           string     `json:"id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	Status       string     `json:"status"`
	StaffRole    StaffRole  `json:"staffRole,omitempty"`
	Locked       bool       `json:"locked"`
	LastSignInAt *time.Time `json:"lastSignInAt,omitempty"`
}

// ViewAt returns the API view of u at now.
func (u *User) ViewAt(now time.Time) View {
	return View{ID: u.ID, Email: u.Email, Name: u.Name, Status: string(u.Status), StaffRole: u.StaffRole,
		Locked: u.Locked(now), LastSignInAt: u.LastSignInAt}
}

// NormalizeAnswer is how a security answer is compared: trimmed, spaces
// collapsed, case folded. "  New   York " and "new york" are one answer.
func NormalizeAnswer(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// The keys of the items identity owns in the user's partition and of the
// email claim (docs/data-model.md, "Who owns each item"): no other package
// spells them.
func userKey(id string) store.Key     { return store.Key{PK: "USER#" + id, SK: "PROFILE"} }
func emailKey(email string) store.Key { return store.Key{PK: "EMAIL#" + email, SK: "EMAIL"} }
func membershipKey(userID, accountID string) store.Key {
	return store.Key{PK: "USER#" + userID, SK: "MEMBER#" + accountID}
}
