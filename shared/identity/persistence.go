package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

type emailClaim struct {
	store.Key
	UserID string `dynamodbav:"userId"`
}

var errEmailTaken = fault.New(fault.Conflict, "email_taken", "a user with this email already exists")

// insert writes a new user and claims its email in one transaction (with
// extra writes of the caller's, such as a verification token): of many
// concurrent sign-ups with one email exactly one succeeds.
func (s *Service) insert(ctx context.Context, u *User, extra ...types.TransactWriteItem) error {
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	claim, err := store.TxPut(s.Store.Table, emailClaim{Key: emailKey(u.Email), UserID: u.ID}, &notExists)
	if err != nil {
		return err
	}
	user, err := store.TxPut(s.Store.Table, u, &notExists)
	if err != nil {
		return err
	}
	err = s.Store.Transact(ctx, append([]types.TransactWriteItem{claim, user}, extra...))
	var te *store.TxError
	if errors.As(err, &te) && te.FailedAt(0) {
		return errEmailTaken
	}
	if err != nil {
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

// byEmail returns the user with the normalised email; found is false when
// there is none.
func (s *Service) byEmail(ctx context.Context, email string) (*User, bool, error) {
	var c emailClaim
	// A claim never changes once written; a claim written a moment ago and not
	// yet visible reads as "no such user", the same as a moment earlier.
	found, err := s.Store.GetImmutable(ctx, emailKey(email), &c)
	if err != nil || !found {
		// Read a user key anyway, so both paths make the same two reads.
		var none User
		_, _ = s.Store.Get(ctx, userKey("none"), &none)
		return nil, false, err
	}
	return s.byID(ctx, c.UserID)
}

// forSignIn returns the user with the normalised email and the session
// epoch, read together in one BatchGetItem after the claim; found is false
// when there is no such user. An unknown address makes the same two reads.
func (s *Service) forSignIn(ctx context.Context, email string) (*User, int64, bool, error) {
	var c emailClaim
	found, err := s.Store.GetImmutable(ctx, emailKey(email), &c)
	if err != nil {
		return nil, 0, false, err
	}
	id := c.UserID
	if !found {
		id = "none"
	}
	epoch, item, err := s.Sessions.EpochWith(ctx, id, userKey(id))
	if err != nil || !found || item == nil {
		return nil, 0, false, err
	}
	var u User
	if err := attributevalue.UnmarshalMap(item, &u); err != nil {
		return nil, 0, false, fmt.Errorf("unmarshal user: %w", err)
	}
	return &u, epoch, true, nil
}

// byID returns the user with the id.
func (s *Service) byID(ctx context.Context, id string) (*User, bool, error) {
	var u User
	found, err := s.Store.Get(ctx, userKey(id), &u)
	if err != nil || !found {
		return nil, false, err
	}
	return &u, true, nil
}

// withMemberships reads the user and every membership in one query: the sort
// keys MEMBER#… sort just before PROFILE (docs/data-model.md, pattern 7).
func (s *Service) withMemberships(ctx context.Context, id string) (*User, []Membership, error) {
	first, user := membershipKey(id, ""), userKey(id)
	items, err := s.Store.QueryItems(ctx, "", store.KeyBetween(store.AttrPK, user.PK, store.AttrSK, first.SK, user.SK), true)
	if err != nil {
		return nil, nil, fmt.Errorf("read user and memberships: %w", err)
	}
	var u *User
	members := []Membership{}
	for _, item := range items {
		sk, _ := item[store.AttrSK].(*types.AttributeValueMemberS)
		if sk != nil && sk.Value == user.SK {
			u = &User{}
			if err := attributevalue.UnmarshalMap(item, u); err != nil {
				return nil, nil, fmt.Errorf("unmarshal user: %w", err)
			}
			continue
		}
		var m Membership
		if err := attributevalue.UnmarshalMap(item, &m); err != nil {
			return nil, nil, fmt.Errorf("unmarshal membership: %w", err)
		}
		members = append(members, m)
	}
	if u == nil {
		return nil, nil, errUserNotFound
	}
	return u, members, nil
}

// countFailure notes a failed sign-in of the user and returns the count of
// consecutive failures: a wrong password adds one (an atomic ADD, so
// concurrent failures are all counted), a refusal for another reason adds
// nothing. Both are the same one write.
func (s *Service) countFailure(ctx context.Context, id string, wrongPassword bool, now time.Time) (int, error) {
	var after struct {
		FailedAttempts int `dynamodbav:"failedAttempts"`
	}
	inc := 0
	if wrongPassword {
		inc = 1
	}
	upd := expression.Add(expression.Name("failedAttempts"), expression.Value(inc)).
		Set(expression.Name("lastFailedAt"), expression.Value(now.UTC()))
	cond := expression.AttributeExists(expression.Name(store.AttrPK))
	if err := s.Store.Update(ctx, userKey(id), upd, &cond, &after); err != nil {
		return 0, fmt.Errorf("count failed sign-in: %w", err)
	}
	return after.FailedAttempts, nil
}

// unknownKey is the failure counter of an address with no user (by digest),
// kept a day.
func unknownKey(subject string) store.Key { return store.Key{PK: "SIGNINFAIL#" + subject, SK: "COUNT"} }

// mayUsePassword is the condition under which u's password, checked against
// the hash u was read with, is accepted: the user is still there and active,
// not locked, below the failure threshold, and the password has not changed.
func (s *Service) mayUsePassword(u *User, now time.Time) expression.ConditionBuilder {
	belowThreshold := expression.Or(
		expression.AttributeNotExists(expression.Name("failedAttempts")),
		expression.Name("failedAttempts").LessThan(expression.Value(s.Lockout.Threshold)))
	if u.LockedUntil != 0 {
		// The lock u was read with has run out, and the count starts afresh
		// — provided no failure was counted since the read.
		belowThreshold = belowThreshold.Or(expression.Name("lockedUntil").Equal(expression.Value(u.LockedUntil)).
			And(expression.Name("failedAttempts").Equal(expression.Value(u.FailedAttempts))))
	}
	return expression.AttributeExists(expression.Name(store.AttrPK)).
		And(expression.Name("status").Equal(expression.Value(Active))).
		And(expression.Name("passwordHash").Equal(expression.Value(u.PasswordHash))).
		And(belowThreshold).
		And(notLocked(now))
}

// notLocked holds when no lock is in force at now.
func notLocked(now time.Time) expression.ConditionBuilder {
	return expression.Or(
		expression.AttributeNotExists(expression.Name("lockedUntil")),
		expression.Name("lockedUntil").LessThanEqual(expression.Value(now.Unix())))
}

// NotLockedCheck is a transaction item that holds only while the user with
// id is not locked at now: a route that accepts another secret of the user
// (a legacy password) writes its result only so.
func (s *Service) NotLockedCheck(id string, now time.Time) (types.TransactWriteItem, error) {
	return store.TxCheck(s.Store.Table, userKey(id), notLocked(now))
}

// acceptItem is the write that accepts u's password at now: the count
// starts afresh, the time is kept, and a hash made with weaker parameters is
// replaced — only while mayUsePassword holds.
func (s *Service) acceptItem(u *User, now time.Time, newHash string) (types.TransactWriteItem, error) {
	upd := expression.Set(expression.Name("failedAttempts"), expression.Value(0)).
		Set(expression.Name("lastSignInAt"), expression.Value(now.UTC())).
		Remove(expression.Name("lockedUntil"))
	if newHash != "" {
		upd = upd.Set(expression.Name("passwordHash"), expression.Value(newHash))
	}
	cond := s.mayUsePassword(u, now)
	return store.TxUpdate(s.Store.Table, userKey(u.ID), upd, &cond)
}

// lock locks the user until until, if the failures reached the threshold and
// no lock is in force. Of concurrent callers exactly one gets true, so the
// lockout email goes out once.
func (s *Service) lock(ctx context.Context, id string, now, until time.Time) (bool, error) {
	upd := expression.Set(expression.Name("lockedUntil"), expression.Value(until.Unix()))
	cond := expression.Name("failedAttempts").GreaterThanEqual(expression.Value(s.Lockout.Threshold)).
		And(expression.Or(
			expression.AttributeNotExists(expression.Name("lockedUntil")),
			expression.Name("lockedUntil").LessThanEqual(expression.Value(now.Unix())),
		))
	err := s.Store.Update(ctx, userKey(id), upd, &cond, nil)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("lock user: %w", err)
	}
	return true, nil
}

// update applies upd to an existing user; a missing one is not found.
func (s *Service) update(ctx context.Context, id string, upd expression.UpdateBuilder) error {
	cond := expression.AttributeExists(expression.Name(store.AttrPK))
	err := s.Store.Update(ctx, userKey(id), upd, &cond, nil)
	if errors.Is(err, store.ErrConditionFailed) {
		return errUserNotFound
	}
	return err
}

var errUserNotFound = fault.New(fault.NotFound, "user_not_found", "no such user")

func isCondition(err error) bool { return errors.Is(err, store.ErrConditionFailed) }
