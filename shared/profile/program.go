package profile

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// DefaultProgram is the programme a profile route is about when the request
// names none, so clients from before there were two keep working.
const DefaultProgram = criteria.Security

// ProgramParam reads the programme a profile route is about from its query
// string's program parameter: DefaultProgram when it is absent or empty. A
// programme without a questionnaire, or the parameter given twice, is 400
// invalid_program naming the field.
func ProgramParam(q url.Values) (string, error) {
	vs := q["program"]
	switch {
	case len(vs) == 0 || len(vs) == 1 && vs[0] == "":
		return DefaultProgram, nil
	case len(vs) > 1:
		return "", fault.Field("program", "is given %d times; name one programme", len(vs))
	}
	if _, ok := criteria.Of(vs[0]); !ok {
		return "", fault.Field("program", "must be one of %s", strings.Join(criteria.Programs(), ", "))
	}
	return vs[0], nil
}

// invalidTogether is the one 400 for a request whose query and body are
// both wrong: when every error is a 400 naming fields, their fields in
// order; otherwise the first error.
func invalidTogether(errs ...error) error {
	var all fault.Fields
	var first error
	for _, err := range errs {
		if err == nil {
			continue
		}
		if first == nil {
			first = err
		}
		if fe := fault.As(err); fe.Kind != fault.Invalid || len(fe.Details) == 0 {
			return first
		}
		all = append(all, fault.As(err).Details...)
	}
	if first == nil {
		return nil
	}
	return all.Err()
}

// book is one programme's profile as this package stores it: the
// questionnaire it answers and the keys of its items. The security
// profile's items keep the keys they had before there was a second
// programme (CRIT#…, VERSION#…, DOC#…, evidence/<account>/…); every other
// programme's carry the programme (PROGRAM#<program>#CRIT#…,
// evidence/<account>/<program>/…), so the two never mix.
type book struct {
	criteria.Questionnaire
	sk  string // sort-key prefix
	obj string // object-key segment after the account id
}

func bookOf(program string) (book, bool) {
	q, ok := criteria.Of(program)
	if !ok {
		return book{}, false
	}
	if program == criteria.Security {
		return book{Questionnaire: q}, true
	}
	return book{Questionnaire: q, sk: "PROGRAM#" + program + "#", obj: program + "/"}, true
}

func (b book) answersPrefix() string { return b.sk + "CRIT#" }
func (b book) answerKey(acc, crit string) store.Key {
	return store.Key{PK: account.Partition(acc), SK: b.answersPrefix() + crit}
}
func (b book) evidencePrefix(crit string) string { return b.answersPrefix() + crit + "#EV#" }
func (b book) evidenceKey(acc, crit, id string) store.Key {
	return store.Key{PK: account.Partition(acc), SK: b.evidencePrefix(crit) + id}
}
func (b book) versionsPrefix(crit string) string { return b.sk + "VERSION#" + crit + "#" }
func (b book) versionKey(acc, crit string, n int) store.Key {
	return store.Key{PK: account.Partition(acc), SK: fmt.Sprintf("%s%06d", b.versionsPrefix(crit), n)}
}
func (b book) documentsPrefix() string { return b.sk + "DOC#" }
func (b book) documentKey(acc string, n int) store.Key {
	return store.Key{PK: account.Partition(acc), SK: fmt.Sprintf("%s%04d", b.documentsPrefix(), n)}
}

// objectKey is built from ids only, never from the uploaded file's name.
func (b book) objectKey(acc, crit, id string) string {
	return EvidencePrefix + acc + "/" + b.obj + crit + "/" + id
}
func (b book) documentObject(acc string, n int) string {
	return fmt.Sprintf("documents/%s/%scycle-%04d.pdf", acc, b.obj, n)
}

// fileStem starts the names of the programme's documents
// (security-profile-cycle-1.pdf).
func (b book) fileStem() string { return strings.ReplaceAll(strings.ToLower(b.Title), " ", "-") }

// target is one programme's profile of an account, authorised for an
// action.
type target struct {
	acc   *account.Account
	book  book
	state account.ProfileState
}

func (t *target) status() string {
	if t.state.Status == "" {
		return Draft
	}
	return t.state.Status
}

func (t *target) cycle() int { return max(t.state.Cycle, 1) }

// criterion returns the questionnaire's entry if it applies to the account.
func (t *target) criterion(id string) (criteria.Criterion, error) {
	c, ok := t.book.Get(id)
	if !ok || !c.AppliesTo(t.acc.EntityType) {
		return criteria.Criterion{}, errNoCriterion
	}
	return c, nil
}

// inProgram reports whether the account takes part in the programme. An
// account that names none is from before programmes were recorded, and has
// the security profile.
func inProgram(acc *account.Account, program string) bool {
	if len(acc.Programs) == 0 {
		return program == criteria.Security
	}
	return slices.Contains(acc.Programs, program)
}

// open authorises action a on account accountID, refuses a programme the
// account is not in (404 profile_not_found, once p may see the account),
// and, when withState, reads where the programme's profile stands (no read
// for the security profile, whose state is the account item's; one GetItem
// for another).
func (s *Service) open(ctx context.Context, p accounts.Principal, accountID, program string, a accounts.Action, withState bool) (*target, error) {
	b, ok := bookOf(program)
	if !ok {
		return nil, fault.Field("program", "must be one of %s", strings.Join(criteria.Programs(), ", "))
	}
	acc, _, err := s.Access.Authorize(ctx, p, accountID, a)
	if err != nil {
		return nil, err
	}
	if !inProgram(acc, program) {
		return nil, fault.New(fault.NotFound, "profile_not_found", "this account is not in the programme "+program)
	}
	t := &target{acc: acc, book: b, state: account.ProfileState{Program: program}}
	if withState {
		if t.state, err = account.ProfileOf(ctx, s.Store, acc, program); err != nil {
			return nil, err
		}
	}
	return t, nil
}
