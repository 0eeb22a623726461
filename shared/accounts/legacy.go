package accounts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/password"
	"github.com/partner-portal/portal/shared/store"
)

// LegacyMembership is an account role the legacy system granted.
type LegacyMembership struct {
	AccountID string `json:"accountId" dynamodbav:"accountId"`
	Role      string `json:"role" dynamodbav:"role"`
}

// LegacyUser is a credential of the legacy system, as the import file holds
// it: an argon2id hash, never a password, and its status there.
type LegacyUser struct {
	LegacyUserID string             `json:"legacyUserId"`
	Status       string             `json:"status"`
	PasswordHash string             `json:"passwordHash"`
	Memberships  []LegacyMembership `json:"memberships"`
}

// The statuses a legacy credential may have in the legacy system. Only an
// active one can be synced: the others were closed there, and syncing must
// not open them again here.
const (
	LegacyActive    = "active"
	LegacyInactive  = "inactive"
	LegacySuspended = "suspended"
)

// LegacyStatuses are the statuses an import file may give.
var LegacyStatuses = []string{LegacyActive, LegacyInactive, LegacySuspended}

type legacyItem struct {
	store.Key
	LegacyUserID string `dynamodbav:"legacyUserId"`
	// Status is the legacy system's status of the credential, as the last
	// import gave it (absent on credentials imported before it was carried:
	// not active until an import gives it).
	Status       string             `dynamodbav:"status,omitempty"`
	PasswordHash string             `dynamodbav:"passwordHash"`
	Memberships  []LegacyMembership `dynamodbav:"memberships"`
	SyncedBy     string             `dynamodbav:"syncedBy,omitempty"`
	SyncedAt     *time.Time         `dynamodbav:"syncedAt,omitempty"`
	ImportedAt   time.Time          `dynamodbav:"importedAt"`
	// Wrong passwords for this legacy id, whoever tried them, and the lock
	// they led to (epoch seconds): guessing is limited per legacy id, not
	// only per signed-in user, so spreading guesses over many users does
	// not help.
	FailedAttempts int   `dynamodbav:"failedAttempts"`
	LockedUntil    int64 `dynamodbav:"lockedUntil,omitempty"`
}

func legacyKey(id string) store.Key { return store.Key{PK: "LEGACY#" + id, SK: "LEGACY"} }

// ReadLegacyFile parses an import file ({"users":[…]}) and checks every
// record: an id, a known status, an argon2id PHC hash, known roles.
func ReadLegacyFile(r io.Reader) ([]LegacyUser, error) {
	var f struct {
		Users []LegacyUser `json:"users"`
	}
	dec := json.NewDecoder(r)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("read legacy file: %w", err)
	}
	for i, u := range f.Users {
		switch {
		case strings.TrimSpace(u.LegacyUserID) == "" || len(u.LegacyUserID) > 64:
			return nil, fmt.Errorf("record %d: legacyUserId is missing or too long", i)
		case !slices.Contains(LegacyStatuses, u.Status):
			return nil, fmt.Errorf("record %d (%s): status %q is not one of %v", i, u.LegacyUserID, u.Status, LegacyStatuses)
		case !strings.HasPrefix(u.PasswordHash, "$argon2id$"):
			return nil, fmt.Errorf("record %d (%s): passwordHash is not an argon2id PHC string", i, u.LegacyUserID)
		}
		if _, err := password.Verify("", u.PasswordHash); errors.Is(err, password.ErrMalformed) {
			return nil, fmt.Errorf("record %d (%s): %w", i, u.LegacyUserID, err)
		}
		for _, m := range u.Memberships {
			if m.AccountID == "" || !slices.Contains(Roles, m.Role) {
				return nil, fmt.Errorf("record %d (%s): membership %+v needs an accountId and a role of %v", i, u.LegacyUserID, m, Roles)
			}
		}
	}
	return f.Users, nil
}

// LegacyImport counts what an import did.
type LegacyImport struct {
	Added   int // credentials new to the table
	Updated int // credentials already there, not yet synced, whose status changed
}

// ImportLegacy stores legacy credentials. A credential already imported
// keeps its hash and memberships, but takes the status the file gives, so
// running the import again carries a credential closed in the legacy
// system since; a synced credential stays as it is.
func (s *Service) ImportLegacy(ctx context.Context, users []LegacyUser) (LegacyImport, error) {
	var res LegacyImport
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	for _, u := range users {
		it := legacyItem{Key: legacyKey(u.LegacyUserID), LegacyUserID: u.LegacyUserID, Status: u.Status, PasswordHash: u.PasswordHash,
			Memberships: u.Memberships, ImportedAt: s.Now().UTC()}
		err := s.Store.Put(ctx, it, &notExists)
		if errors.Is(err, store.ErrConditionFailed) {
			changed, err := s.updateLegacyStatus(ctx, it.Key, u.Status)
			if err != nil {
				return res, fmt.Errorf("import %s: %w", u.LegacyUserID, err)
			}
			if changed {
				res.Updated++
			}
			continue
		}
		if err != nil {
			return res, fmt.Errorf("import %s: %w", u.LegacyUserID, err)
		}
		res.Added++
	}
	return res, nil
}

// updateLegacyStatus sets the status of an imported credential that is not
// synced, and reports whether it changed.
func (s *Service) updateLegacyStatus(ctx context.Context, key store.Key, status string) (bool, error) {
	cond := expression.AttributeExists(expression.Name(store.AttrPK)).
		And(expression.AttributeNotExists(expression.Name("syncedBy"))).
		And(expression.Or(expression.AttributeNotExists(expression.Name("status")),
			expression.Name("status").NotEqual(expression.Value(status))))
	err := s.Store.Update(ctx, key, expression.Set(expression.Name("status"), expression.Value(status)), &cond, nil)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	return err == nil, err
}

// errLegacyInactive is the answer to the right password of a credential
// that is not active in the legacy system.
var errLegacyInactive = fault.New(fault.Forbidden, "legacy_inactive",
	"this legacy user id is not active in the legacy system, so it cannot be synced; ask the programme to reactivate it there")

var errAlreadySynced = fault.New(fault.Conflict, "already_synced", "this legacy user id was already synced")

// SyncLegacy adds the memberships of a legacy credential to the signed-in
// user. A wrong or unknown legacy id or password answers like a failed
// sign-in and counts toward the user's lockout and the legacy id's own; a
// locked user or a locked legacy id gets that same answer whatever the
// password, and the claim itself is conditional on neither being locked. A
// legacy id syncs once (a conditional write, so concurrent attempts give one
// success), and only while the legacy system has it active: the status is
// told (403 legacy_inactive) only after the right password, so a guess
// learns nothing from it, and the claim is conditional on it.
func (s *Service) SyncLegacy(ctx context.Context, p Principal, legacyID, legacyPassword string, c identity.Client) ([]identity.Membership, error) {
	it, now, err := s.checkLegacyPassword(ctx, p, legacyID, legacyPassword, c)
	if err != nil {
		return nil, err
	}
	if it.SyncedBy != "" {
		return nil, errAlreadySynced
	}
	if it.Status != LegacyActive {
		s.record(ctx, p, "", audit.Event{Action: audit.LegacySyncRefused,
			Details: map[string]string{"legacyUserId": legacyID, "status": it.Status}})
		return nil, errLegacyInactive
	}
	items, err := s.legacyClaim(it, p.UserID, now)
	if err != nil {
		return nil, err
	}
	added, join, err := s.legacyMemberships(ctx, p, legacyID, it)
	if err != nil {
		return nil, err
	}
	if err := s.commitLegacySync(ctx, it.Key, append(items, join...)); err != nil {
		return nil, err
	}
	for _, m := range added {
		s.record(ctx, p, m.AccountID, audit.Event{Action: audit.LegacySynced, Details: map[string]string{"legacyUserId": legacyID, "role": m.Role}})
	}
	if added == nil {
		added = []identity.Membership{}
	}
	return added, nil
}

// checkLegacyPassword reads the legacy credential and the signed-in user and
// checks the password, returning the credential and the time of the check.
// A locked user or legacy id, an unknown id and a wrong password are all
// ErrInvalidCredentials; the last two count toward the user's lockout and
// the legacy id's own.
func (s *Service) checkLegacyPassword(ctx context.Context, p Principal, legacyID, legacyPassword string, c identity.Client) (legacyItem, time.Time, error) {
	var it legacyItem
	found, err := s.Store.Get(ctx, legacyKey(legacyID), &it)
	if err != nil {
		return it, time.Time{}, err
	}
	ok := s.Users.Hasher.Verify(legacyPassword, it.PasswordHash) && found
	u, err := s.Users.Get(ctx, p.UserID)
	if err != nil {
		return it, time.Time{}, err
	}
	now := s.Now()
	if u.Locked(now) || it.LockedUntil > now.Unix() {
		s.record(ctx, p, "", audit.Event{Action: audit.PasswordCheckFailed,
			Details: map[string]string{"legacyUserId": legacyID, "reason": "locked"}})
		return it, now, identity.ErrInvalidCredentials
	}
	if found && it.LockedUntil != 0 { // a lock that has run out: count afresh
		upd := expression.Set(expression.Name("failedAttempts"), expression.Value(0)).Remove(expression.Name("lockedUntil"))
		cond := expression.Name("lockedUntil").Equal(expression.Value(it.LockedUntil))
		if err := s.Store.Update(ctx, it.Key, upd, &cond, nil); err != nil && !errors.Is(err, store.ErrConditionFailed) {
			return it, now, fmt.Errorf("clear legacy lock: %w", err)
		}
	}
	if !ok {
		if err := s.Users.CountFailure(ctx, u, c); err != nil {
			return it, now, err
		}
		if found {
			if err := s.legacyFailure(ctx, it, now, s.Users.Lockout); err != nil {
				return it, now, err
			}
		}
		return it, now, identity.ErrInvalidCredentials
	}
	return it, now, nil
}

// legacyClaim is the write that marks the legacy id synced by userID, only
// while it is active and not synced or locked, beside the check that the
// user is not locked; a failure of either is told apart by its position.
func (s *Service) legacyClaim(it legacyItem, userID string, now time.Time) ([]types.TransactWriteItem, error) {
	lock := s.Users.Lockout
	cond := expression.AttributeNotExists(expression.Name("syncedBy")).
		And(expression.Name("status").Equal(expression.Value(LegacyActive))).
		And(expression.Or(expression.AttributeNotExists(expression.Name("failedAttempts")),
			expression.Name("failedAttempts").LessThan(expression.Value(lock.Threshold)))).
		And(expression.Or(expression.AttributeNotExists(expression.Name("lockedUntil")),
			expression.Name("lockedUntil").LessThanEqual(expression.Value(now.Unix()))))
	claim, err := store.TxUpdate(s.Store.Table, it.Key, expression.Set(expression.Name("syncedBy"), expression.Value(userID)).
		Set(expression.Name("syncedAt"), expression.Value(now.UTC())).Set(expression.Name("failedAttempts"), expression.Value(0)).
		Remove(expression.Name("lockedUntil")), &cond)
	if err != nil {
		return nil, err
	}
	userUnlocked, err := s.Users.NotLockedCheck(userID, now)
	if err != nil {
		return nil, err
	}
	return []types.TransactWriteItem{claim, userUnlocked}, nil
}

// legacyMemberships are the memberships the legacy credential grants p and
// the writes that add them; an account that no longer exists is skipped.
func (s *Service) legacyMemberships(ctx context.Context, p Principal, legacyID string, it legacyItem) ([]identity.Membership, []types.TransactWriteItem, error) {
	var added []identity.Membership
	var items []types.TransactWriteItem
	for _, lm := range it.Memberships {
		acc, err := s.account(ctx, lm.AccountID)
		if fault.Is(err, fault.NotFound) {
			s.Log.WarnContext(ctx, "legacy membership names no account", "legacy_user_id", legacyID, "account_id", lm.AccountID)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		m, join, err := s.memberItems(ctx, acc, p.UserID, p.Email, lm.Role)
		if err != nil {
			return nil, nil, err
		}
		items = append(items, join...)
		added = append(added, *m)
	}
	return added, items, nil
}

// commitLegacySync writes the claim, the user check and the memberships in
// one transaction, and says which of them stopped it.
func (s *Service) commitLegacySync(ctx context.Context, key store.Key, items []types.TransactWriteItem) error {
	err := s.Store.Transact(ctx, items)
	var te *store.TxError
	if errors.As(err, &te) && te.FailedAt(0) {
		// Synced by a concurrent attempt, closed by an import meanwhile, or
		// locked by concurrent guesses.
		var latest legacyItem
		if _, err := s.Store.Get(ctx, key, &latest); err == nil {
			switch {
			case latest.SyncedBy != "":
				return errAlreadySynced
			case latest.Status != LegacyActive:
				return errLegacyInactive
			}
		}
		return identity.ErrInvalidCredentials
	}
	if errors.As(err, &te) && te.FailedAt(1) {
		return identity.ErrInvalidCredentials // the user was locked meanwhile
	}
	if errors.Is(err, store.ErrConditionFailed) {
		return errMembershipChanged // a membership changed since memberItems read it; nothing was written
	}
	if err != nil {
		return fmt.Errorf("legacy sync: %w", err)
	}
	return nil
}

// legacyFailure counts a wrong password against the legacy id and locks it
// when the count reaches the threshold. Of concurrent callers one sets the
// lock.
func (s *Service) legacyFailure(ctx context.Context, it legacyItem, now time.Time, lock identity.Lockout) error {
	upd := expression.Add(expression.Name("failedAttempts"), expression.Value(1))
	var after struct {
		FailedAttempts int `dynamodbav:"failedAttempts"`
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	if err := s.Store.Update(ctx, it.Key, upd, &exists, &after); err != nil {
		return fmt.Errorf("count legacy failure: %w", err)
	}
	if after.FailedAttempts < lock.Threshold {
		return nil
	}
	cond := expression.Name("failedAttempts").GreaterThanEqual(expression.Value(lock.Threshold)).
		And(expression.Or(expression.AttributeNotExists(expression.Name("lockedUntil")),
			expression.Name("lockedUntil").LessThanEqual(expression.Value(now.Unix()))))
	err := s.Store.Update(ctx, it.Key, expression.Set(expression.Name("lockedUntil"), expression.Value(now.Add(lock.Duration).Unix())), &cond, nil)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return fmt.Errorf("lock legacy id: %w", err)
	}
	if err == nil {
		s.Log.WarnContext(ctx, "legacy id locked after repeated wrong passwords", "legacy_user_id", it.LegacyUserID)
	}
	return nil
}
