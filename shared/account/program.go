package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partner-portal/portal/shared/store"
)

// An account has one profile per programme it is in, each with its own
// status, review cycle and place in the review queues. The security
// profile's state is the account item's own (profileStatus, cycle,
// submittedAt and the GSI1/GSI2 queue keys), as it was before there was a
// second programme, so nothing stored needs moving. Every other programme's
// is a profile state item, ACCOUNT#<id> / PROFILESTATE#<program>, with queue
// keys of its own (REVIEWS#submitted#<program>, QUEUE#<specialist>#<program>)
// and a copy of what a queue entry shows of the account.

// SecurityProgram is the programme whose profile state the account item
// holds: the default one.
const SecurityProgram = "ctpat_security"

// stateSKPrefix starts the sort key of a programme's profile state item.
const stateSKPrefix = "PROFILESTATE#"

// attrCycleDueDate is the due date an open annual review answers.
const attrCycleDueDate = "cycleDueDate"

func stateKey(accountID, program string) store.Key {
	return store.Key{PK: Partition(accountID), SK: stateSKPrefix + program}
}

// submittedKeyOf is the GSI1 partition of the profiles of program waiting
// for review.
func submittedKeyOf(program string) string {
	if program == SecurityProgram {
		return submittedKey
	}
	return submittedKey + "#" + program
}

// queueKeyOf is the GSI2 partition of a specialist's (or the shared pool's)
// queue of program's profiles.
func queueKeyOf(program, specialistID string) string {
	if program == SecurityProgram {
		return queueKey(specialistID)
	}
	return queueKey(specialistID) + "#" + program
}

// ProfileState is where one programme's profile of an account stands.
type ProfileState struct {
	Program string
	// Status is the profile's status; "" before anything moved it.
	Status string
	// Cycle is the review cycle; 0 until the first annual review opens.
	Cycle       int
	SubmittedAt *time.Time
	// CycleDueDate is the review due date the open annual review answers:
	// approving it moves the account's one due date on from this date, so
	// of two programmes' reviews of the same year only the first moves it.
	// "" for a first cycle (and one opened before it was recorded).
	CycleDueDate string
}

// Submission is a profile waiting for review, as the queues list it. The
// account item and the profile state items carry these attributes alike.
type Submission struct {
	AccountID string `dynamodbav:"id"`
	// Program is whose profile was submitted.
	Program      string     `dynamodbav:"program,omitempty"`
	Name         string     `dynamodbav:"name"`
	OrgName      string     `dynamodbav:"orgName"`
	EntityType   string     `dynamodbav:"entityType"`
	SpecialistID string     `dynamodbav:"specialistId,omitempty"`
	SubmittedAt  *time.Time `dynamodbav:"submittedAt,omitempty"`
}

// stateItem is a programme's profile state (any programme but security).
type stateItem struct {
	store.Key
	Submission
	Status       string `dynamodbav:"profileStatus,omitempty"`
	Cycle        int    `dynamodbav:"cycle,omitempty"`
	CycleDueDate string `dynamodbav:"cycleDueDate,omitempty"`
}

// ProfileOf reads where program's profile of acc stands: from acc itself
// for the security programme, otherwise from its state item (one strongly
// consistent GetItem; no item is a profile nothing has moved yet).
func ProfileOf(ctx context.Context, st *store.Store, acc *Account, program string) (ProfileState, error) {
	if program == SecurityProgram {
		return ProfileState{Program: program, Status: acc.ProfileStatus, Cycle: acc.Cycle, SubmittedAt: acc.SubmittedAt,
			CycleDueDate: acc.CycleDueDate}, nil
	}
	var it stateItem
	if _, err := st.Get(ctx, stateKey(acc.ID, program), &it); err != nil {
		return ProfileState{}, fmt.Errorf("read %s profile state: %w", program, err)
	}
	return ProfileState{Program: program, Status: it.Status, Cycle: it.Cycle, SubmittedAt: it.SubmittedAt, CycleDueDate: it.CycleDueDate}, nil
}

// SubmitProfile is the transaction item that sets the status of program's
// profile of acc to submitted and puts it in that programme's review queues
// (the admin's, and its specialist's or the shared pool) as of at. Its
// condition refuses a profile already submitted, so it is submitted once.
// For a programme other than security it also refreshes the copy of the
// account's name, organisation, entity type and specialist the queue shows.
func SubmitProfile(st *store.Store, acc *Account, program, submitted string, at time.Time) (types.TransactWriteItem, error) {
	if program == SecurityProgram {
		return SubmitForReview(st, acc, submitted, at)
	}
	sortKey := at.Format(time.RFC3339Nano) + "#" + acc.ID
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(submitted)).
		Set(expression.Name(attrSubmittedAt), expression.Value(at)).
		Set(expression.Name(attrGSI1PK), expression.Value(submittedKeyOf(program))).
		Set(expression.Name(attrGSI1SK), expression.Value(sortKey)).
		Set(expression.Name(attrGSI2PK), expression.Value(queueKeyOf(program, acc.SpecialistID))).
		Set(expression.Name(attrGSI2SK), expression.Value(sortKey)).
		Set(expression.Name("id"), expression.Value(acc.ID)).
		Set(expression.Name("program"), expression.Value(program)).
		Set(expression.Name("name"), expression.Value(acc.Name)).
		Set(expression.Name("orgName"), expression.Value(acc.OrgName)).
		Set(expression.Name("entityType"), expression.Value(acc.EntityType))
	if acc.SpecialistID != "" {
		upd = upd.Set(expression.Name("specialistId"), expression.Value(acc.SpecialistID))
	} else {
		upd = upd.Remove(expression.Name("specialistId"))
	}
	cond := expression.Or(expression.AttributeNotExists(expression.Name(attrProfileStatus)),
		expression.Name(attrProfileStatus).NotEqual(expression.Value(submitted)))
	return store.TxUpdate(st.Table, stateKey(acc.ID, program), upd, &cond)
}

// CloseProfileReview takes program's profile of the account out of the
// review queues with the status outcome, if its status is still submitted;
// otherwise (another reviewer closed it) store.ErrConditionFailed.
func CloseProfileReview(ctx context.Context, st *store.Store, accountID, program, submitted, outcome string) error {
	if program == SecurityProgram {
		return CloseReview(ctx, st, accountID, submitted, outcome)
	}
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(outcome)).
		Remove(expression.Name(attrGSI1PK)).Remove(expression.Name(attrGSI1SK)).
		Remove(expression.Name(attrGSI2PK)).Remove(expression.Name(attrGSI2SK))
	cond := expression.Name(attrProfileStatus).Equal(expression.Value(submitted))
	return st.Update(ctx, stateKey(accountID, program), upd, &cond, nil)
}

// StartProfileCycle is the transaction item that opens review cycle n of
// program's profile of acc: the status goes from `from` to `to`, on the
// condition that it is `from`, and the cycle records the due date it
// answers (acc's as read).
func StartProfileCycle(st *store.Store, acc *Account, program, from, to string, n int) (types.TransactWriteItem, error) {
	key := stateKey(acc.ID, program)
	if program == SecurityProgram {
		key = Key(acc.ID)
	}
	cond := expression.Name(attrProfileStatus).Equal(expression.Value(from))
	upd := expression.Set(expression.Name(attrProfileStatus), expression.Value(to)).
		Set(expression.Name(attrCycle), expression.Value(n)).
		Set(expression.Name(attrCycleDueDate), expression.Value(acc.ReviewDueDate))
	return store.TxUpdate(st.Table, key, upd, &cond)
}

// CompleteCycleDueDate moves the account's review due date on a year from
// the date the approved cycle answered (st.CycleDueDate, or the account's
// current date for a cycle that did not record one), if the account's due
// date is still that date: the annual reviews of two programmes answering
// the same date move it once. It reports whether it moved the date.
func CompleteCycleDueDate(ctx context.Context, st *store.Store, acc *Account, ps ProfileState) (bool, error) {
	from := ps.CycleDueDate
	if from == "" {
		from = acc.ReviewDueDate
	}
	due, err := time.Parse("2006-01-02", from)
	if err != nil {
		return false, fmt.Errorf("due date of %s: %w", acc.ID, err)
	}
	answered := *acc
	answered.ReviewDueDate = from
	err = MoveDueDate(ctx, st, &answered, due.AddDate(1, 0, 0).Format("2006-01-02"))
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("move due date: %w", err)
	}
	return true, nil
}

// SubmittedProfiles reads program's profiles waiting for review, every
// account's, oldest first.
func SubmittedProfiles(ctx context.Context, st *store.Store, program string) ([]Submission, error) {
	var subs []Submission
	if err := st.Query(ctx, "GSI1", store.KeyOnly(attrGSI1PK, submittedKeyOf(program)), true, &subs); err != nil {
		return nil, err
	}
	return programmed(subs, program), nil
}

// ProfilesInQueue reads program's profiles waiting in a specialist's review
// queue, or in the shared pool when specialistID is empty, oldest first.
func ProfilesInQueue(ctx context.Context, st *store.Store, program, specialistID string) ([]Submission, error) {
	var subs []Submission
	if err := st.Query(ctx, "GSI2", store.KeyOnly(attrGSI2PK, queueKeyOf(program, specialistID)), true, &subs); err != nil {
		return nil, err
	}
	return programmed(subs, program), nil
}

// programmed names the programme of entries read from its queue (the
// account item, the security programme's entry, does not carry it).
func programmed(subs []Submission, program string) []Submission {
	for i := range subs {
		subs[i].Program = program
	}
	return subs
}

// RequeueProfiles moves the profiles of acc's programmes other than
// security that wait for review to the queue of specialistID (the shared
// pool when it is empty), for a change of the account's specialist; the
// account item's own queue entry is the caller's to move. A profile not
// waiting for review keeps no queue entry and is left as it is: its next
// submission copies the specialist afresh.
func RequeueProfiles(ctx context.Context, st *store.Store, acc *Account, specialistID string) error {
	for _, program := range acc.Programs {
		if program == SecurityProgram {
			continue
		}
		upd := expression.Set(expression.Name(attrGSI2PK), expression.Value(queueKeyOf(program, specialistID)))
		if specialistID != "" {
			upd = upd.Set(expression.Name("specialistId"), expression.Value(specialistID))
		} else {
			upd = upd.Remove(expression.Name("specialistId"))
		}
		queued := expression.AttributeExists(expression.Name(attrGSI2PK))
		err := st.Update(ctx, stateKey(acc.ID, program), upd, &queued, nil)
		if err != nil && !errors.Is(err, store.ErrConditionFailed) {
			return fmt.Errorf("requeue %s profile: %w", program, err)
		}
	}
	return nil
}
