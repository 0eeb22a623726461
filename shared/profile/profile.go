// Package profile is a trade account's security profile: an answer,
// narrative and evidence for every criterion that applies to the account,
// drafted by its members, submitted, and approved or returned criterion by
// criterion by a specialist. Each approval is kept as an immutable version.
package profile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/store"
)

// Answers a criterion can have.
var Answers = []string{"yes", "no", "not_applicable"}

// MaxNarrative is the longest narrative, in characters.
const MaxNarrative = 4000

// Statuses of a profile.
const (
	Draft     = "draft"
	Submitted = "submitted"
	Approved  = "approved"
	Returned  = "returned"
)

// Review states of a criterion.
const (
	ReviewNone     = "none"
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewReturned = "returned"
)

// Snapshot is an answer as it stood: the draft, or an approved version.
type Snapshot struct {
	Answer     string        `dynamodbav:"answer" json:"answer"`
	Narrative  string        `dynamodbav:"narrative" json:"narrative"`
	Evidence   []EvidenceRef `dynamodbav:"evidence" json:"evidence"`
	Version    int           `dynamodbav:"version,omitempty" json:"version,omitempty"`
	ReviewerID string        `dynamodbav:"reviewerId,omitempty" json:"reviewerId,omitempty"`
	ApprovedAt *time.Time    `dynamodbav:"approvedAt,omitempty" json:"approvedAt,omitempty"`
	Cycle      int           `dynamodbav:"cycle,omitempty" json:"cycle,omitempty"`
}

// Review is where a criterion stands with the specialist.
type Review struct {
	State   string `dynamodbav:"state" json:"state"`
	Comment string `dynamodbav:"comment,omitempty" json:"comment,omitempty"`
}

// answerItem is one criterion's answer on an account.
type answerItem struct {
	store.Key
	CriterionID string    `dynamodbav:"criterionId"`
	Draft       Snapshot  `dynamodbav:"draft"`
	Version     int       `dynamodbav:"version"`
	Review      Review    `dynamodbav:"review"`
	Approved    *Snapshot `dynamodbav:"approved,omitempty"`
	Approvals   int       `dynamodbav:"approvals"`
	UpdatedAt   time.Time `dynamodbav:"updatedAt"`
	UpdatedBy   string    `dynamodbav:"updatedBy"`
}

type versionItem struct {
	store.Key
	CriterionID string `dynamodbav:"criterionId"`
	Snapshot
}

// Authorizer is the accounts' one authorisation point.
type Authorizer interface {
	Authorize(ctx context.Context, p accounts.Principal, accountID string, a accounts.Action) (*account.Account, string, error)
}

// Service is the profile domain.
type Service struct {
	Store      *store.Store
	Access     Authorizer
	Mail       identity.Mailer
	Audit      identity.Auditor
	PortalURL  string
	PoolMail   string // where submissions to the shared pool are announced
	Now        func() time.Time
	Log        *slog.Logger
	Specialist func(ctx context.Context, id string) (*identity.User, error)
	Evidence   EvidenceConfig
	S3         *s3.Client
	Presign    *s3.PresignClient
}

// DraftView is a criterion's working answer as the API shows it; Version is
// what the next PUT sends (0 before the first answer).
type DraftView struct {
	Answer    string        `json:"answer"`
	Narrative string        `json:"narrative"`
	Evidence  []EvidenceRef `json:"evidence"`
	Version   int           `json:"version"`
}

// CriterionView is one criterion of the profile as the API shows it.
// Changed is true when the draft differs from the last approved version (in
// an annual review: what the partner changed).
type CriterionView struct {
	criteria.Criterion
	Draft    DraftView `json:"draft"`
	Approved *Snapshot `json:"approved"`
	Review   Review    `json:"review"`
	Changed  bool      `json:"changed"`
}

func viewOf(c criteria.Criterion, a *answerItem, evidence []EvidenceRef) CriterionView {
	if evidence == nil {
		evidence = []EvidenceRef{}
	}
	cv := CriterionView{Criterion: c, Draft: DraftView{Evidence: evidence}, Review: Review{State: ReviewNone}}
	if a == nil {
		return cv
	}
	cv.Draft = DraftView{Answer: a.Draft.Answer, Narrative: a.Draft.Narrative, Evidence: evidence, Version: a.Version}
	cv.Approved, cv.Review = a.Approved, a.Review
	if a.Approved != nil {
		cv.Changed = !sameAnswer(Snapshot{Answer: a.Draft.Answer, Narrative: a.Draft.Narrative, Evidence: evidence}, *a.Approved)
	}
	return cv
}

// View is the profile as GET …/profile shows it.
type View struct {
	AccountID string          `json:"accountId"`
	Program   string          `json:"program"`
	Status    string          `json:"status"`
	Cycle     int             `json:"cycle"`
	Criteria  []CriterionView `json:"criteria"`
}

// Get returns the account's profile of a programme: every criterion of the
// programme's questionnaire that applies, with its draft, latest approved
// version and review state. Reads: the account and membership (one batch),
// the profile's state for a programme other than security (one GetItem),
// then the profile's answers (one query).
func (s *Service) Get(ctx context.Context, p accounts.Principal, accountID, program string) (*View, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.View, true)
	if err != nil {
		return nil, err
	}
	answers, evidence, err := s.answers(ctx, t)
	if err != nil {
		return nil, err
	}
	v := &View{AccountID: t.acc.ID, Program: program, Status: t.status(), Cycle: t.cycle(), Criteria: []CriterionView{}}
	for _, c := range t.book.ForEntityType(t.acc.EntityType) {
		v.Criteria = append(v.Criteria, viewOf(c, answers[c.ID], evidence[c.ID]))
	}
	return v, nil
}

// criterionEvidence reads the completed evidence of one criterion.
func (s *Service) criterionEvidence(ctx context.Context, t *target, criterionID string) ([]EvidenceRef, error) {
	var items []evidenceItem
	if err := s.Store.Query(ctx, "", store.KeyPrefix("PK", account.Partition(t.acc.ID), "SK", t.book.evidencePrefix(criterionID)), true, &items); err != nil {
		return nil, err
	}
	var out []EvidenceRef
	for _, it := range items {
		if it.Status == "complete" {
			out = append(out, it.EvidenceRef)
		}
	}
	return out, nil
}

// answers reads every answer of the profile and its completed evidence, in
// one query (both live under the programme's CRIT#), strongly consistent: a
// member reloading after a save, a submission checking for gaps, a reviewer
// closing the review all see every write before them.
func (s *Service) answers(ctx context.Context, t *target) (map[string]*answerItem, map[string][]EvidenceRef, error) {
	items, err := s.Store.QueryItemsConsistent(ctx, store.KeyPrefix("PK", account.Partition(t.acc.ID), "SK", t.book.answersPrefix()))
	if err != nil {
		return nil, nil, fmt.Errorf("read answers: %w", err)
	}
	return splitAnswers(items)
}

func splitAnswers(items []map[string]types.AttributeValue) (map[string]*answerItem, map[string][]EvidenceRef, error) {
	answers := map[string]*answerItem{}
	evidence := map[string][]EvidenceRef{}
	for _, item := range items {
		if k, ok := item["kind"].(*types.AttributeValueMemberS); ok && k.Value == "evidence" {
			var ev evidenceItem
			if err := attributevalue.UnmarshalMap(item, &ev); err != nil {
				return nil, nil, err
			}
			if ev.Status == "complete" {
				evidence[ev.CriterionID] = append(evidence[ev.CriterionID], ev.EvidenceRef)
			}
			continue
		}
		var a answerItem
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return nil, nil, err
		}
		answers[a.CriterionID] = &a
	}
	return answers, evidence, nil
}

var (
	errUnderReview     = fault.New(fault.Conflict, "under_review", "the profile is under review; edits wait until the specialist returns it")
	errVersionConflict = fault.New(fault.Conflict, "version_conflict", "someone saved this criterion since you loaded it; reload and try again")
	errNoCriterion     = fault.New(fault.NotFound, "criterion_not_found", "no such criterion in this programme for this account's entity type")
)

// Save writes a member's draft answer. version is the draft version the
// member last read: a stale one is 409 version_conflict and nothing is lost.
func (s *Service) Save(ctx context.Context, p accounts.Principal, accountID, program, criterionID, answer, narrative string, version int) (*CriterionView, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.EditProfile, true)
	if err != nil {
		return nil, err
	}
	c, err := t.criterion(criterionID)
	if err != nil {
		return nil, err
	}
	if t.status() == Submitted {
		return nil, errUnderReview
	}
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("version"), expression.Value(version+1)).
		Set(expression.Name("criterionId"), expression.Value(criterionID)).
		Set(expression.Name("updatedAt"), expression.Value(now)).
		Set(expression.Name("updatedBy"), expression.Value(p.UserID))
	var cond expression.ConditionBuilder
	if version == 0 {
		// The first answer creates the item, with its draft and review maps.
		cond = expression.AttributeNotExists(expression.Name(store.AttrPK))
		upd = upd.Set(expression.Name("draft"), expression.Value(map[string]string{"answer": answer, "narrative": narrative})).
			Set(expression.Name("review"), expression.Value(Review{State: ReviewNone})).
			Set(expression.Name("approvals"), expression.Value(0))
	} else {
		// Later ones change the answer and narrative, keeping the evidence.
		cond = expression.Name("version").Equal(expression.Value(version))
		upd = upd.Set(expression.Name("draft.answer"), expression.Value(answer)).
			Set(expression.Name("draft.narrative"), expression.Value(narrative))
	}
	var after answerItem
	err = s.Store.Update(ctx, t.book.answerKey(accountID, criterionID), upd, &cond, &after)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, errVersionConflict
	}
	if err != nil {
		return nil, err
	}
	s.recordOn(ctx, p, t, audit.ProfileAnswerSaved, map[string]string{"criterionId": criterionID, "version": fmt.Sprint(after.Version)})
	evidence, err := s.criterionEvidence(ctx, t, criterionID)
	if err != nil {
		return nil, err
	}
	cv := viewOf(c, &after, evidence)
	return &cv, nil
}

// Submit hands a programme's profile to the specialist once every required
// criterion is answered; the assigned specialist (or the shared pool) is
// emailed.
func (s *Service) Submit(ctx context.Context, p accounts.Principal, accountID, program string) error {
	t, err := s.open(ctx, p, accountID, program, accounts.EditProfile, true)
	if err != nil {
		return err
	}
	if t.status() == Submitted {
		return errUnderReview
	}
	answers, evidence, err := s.answers(ctx, t)
	if err != nil {
		return err
	}
	if err := missingAnswers(t, answers); err != nil {
		return err
	}
	items, err := s.submitItems(t, answers, evidence, s.Now().UTC())
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(items, 100) {
		if err := s.Store.Transact(ctx, chunk); err != nil {
			if errors.Is(err, store.ErrConditionFailed) {
				return errUnderReview
			}
			return fmt.Errorf("submit: %w", err)
		}
	}
	s.recordOn(ctx, p, t, audit.ProfileSubmitted, nil)
	s.announceSubmission(ctx, t)
	return nil
}

// missingAnswers refuses a submission that leaves a required criterion
// unanswered, naming each one.
func missingAnswers(t *target, answers map[string]*answerItem) error {
	var missing []fault.Detail
	for _, c := range t.book.ForEntityType(t.acc.EntityType) {
		if a, ok := answers[c.ID]; c.Required && (!ok || a.Draft.Answer == "") {
			missing = append(missing, fault.Detail{Field: c.ID, Message: c.Title + " is not answered"})
		}
	}
	if len(missing) > 0 {
		return fault.WithDetails(fault.PolicyRejected, "missing_answers", fmt.Sprintf("%d required criteria are not answered", len(missing)), missing)
	}
	return nil
}

// submitItems are the writes of a submission: the profile enters its
// programme's review queues (once: the condition refuses a second
// submission), and every criterion not already approved as it stands waits
// for review.
func (s *Service) submitItems(t *target, answers map[string]*answerItem, evidence map[string][]EvidenceRef, now time.Time) ([]types.TransactWriteItem, error) {
	accUpd, err := account.SubmitProfile(s.Store, t.acc, t.book.Program, Submitted, now)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{accUpd}
	for id, a := range answers {
		draft := a.Draft
		draft.Evidence = evidence[id]
		if a.Review.State == ReviewApproved && a.Approved != nil && sameAnswer(draft, *a.Approved) {
			continue
		}
		u, err := store.TxUpdate(s.Store.Table, t.book.answerKey(t.acc.ID, id),
			expression.Set(expression.Name("review"), expression.Value(Review{State: ReviewPending})), nil)
		if err != nil {
			return nil, err
		}
		items = append(items, u)
	}
	return items, nil
}

// announceSubmission emails the assigned specialist, or the shared pool
// when there is none (or the specialist cannot be read). The submission
// stands whether or not the email goes.
func (s *Service) announceSubmission(ctx context.Context, t *target) {
	acc := t.acc
	to := s.PoolMail
	if acc.SpecialistID != "" {
		if sp, err := s.Specialist(ctx, acc.SpecialistID); err == nil {
			to = sp.Email
		}
	}
	if err := s.Mail.Send(ctx, mail.Message{To: to, Template: "profile_submitted", Data: map[string]any{
		"AccountName": acc.Name, "OrgName": acc.OrgName, "Pool": acc.SpecialistID == "", "Profile": t.book.Title,
		"Link": s.PortalURL + "/reviews/" + url.PathEscape(acc.ID),
	}}); err != nil {
		s.Log.ErrorContext(ctx, "submission email not sent", "account_id", acc.ID, "err", err.Error())
	}
}

func sameAnswer(a, b Snapshot) bool {
	return a.Answer == b.Answer && a.Narrative == b.Narrative && slices.EqualFunc(a.Evidence, b.Evidence,
		func(x, y EvidenceRef) bool { return x.ID == y.ID })
}

// QueueEntry is one account's profile waiting for review.
type QueueEntry struct {
	AccountID    string     `json:"accountId"`
	Program      string     `json:"program"`
	Name         string     `json:"name"`
	OrgName      string     `json:"organizationName"`
	EntityType   string     `json:"entityType"`
	SpecialistID string     `json:"specialistId,omitempty"`
	SubmittedAt  *time.Time `json:"submittedAt"`
}

func queueEntries(subs []account.Submission) []QueueEntry {
	out := make([]QueueEntry, 0, len(subs))
	for _, a := range subs {
		out = append(out, QueueEntry{AccountID: a.AccountID, Program: a.Program, Name: a.Name, OrgName: a.OrgName, EntityType: a.EntityType,
			SpecialistID: a.SpecialistID, SubmittedAt: a.SubmittedAt})
	}
	return out
}

// Queue lists a programme's profiles waiting for review, oldest first: a
// specialist's own and the shared pool; for an admin, all.
func (s *Service) Queue(ctx context.Context, p accounts.Principal, program string) ([]QueueEntry, error) {
	if !p.Staff() {
		return nil, accounts.Decide(p, accounts.Review, true, "")
	}
	var accs []account.Submission
	switch p.StaffRole {
	case identity.Admin:
		all, err := account.SubmittedProfiles(ctx, s.Store, program)
		if err != nil {
			return nil, err
		}
		accs = all
	case identity.SCSS:
		for _, specialist := range []string{p.UserID, ""} { // own queue, then the shared pool
			part, err := account.ProfilesInQueue(ctx, s.Store, program, specialist)
			if err != nil {
				return nil, err
			}
			accs = append(accs, part...)
		}
	default:
		return nil, fault.New(fault.Forbidden, "forbidden", "only authority staff have a review queue")
	}
	out := queueEntries(accs)
	if p.StaffRole == identity.SCSS {
		slices.SortFunc(out, func(a, b QueueEntry) int { return a.SubmittedAt.Compare(*b.SubmittedAt) })
	}
	return out, nil
}

// Review approves or returns one criterion of a submitted profile (staff who
// see the account). An approval writes an immutable version in the same
// transaction as the state change. When every criterion is decided the
// profile leaves the queue and the AO and POCs get one email.
func (s *Service) Review(ctx context.Context, p accounts.Principal, accountID, program, criterionID, decision, comment string) (*CriterionView, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.Review, true)
	if err != nil {
		return nil, err
	}
	c, err := t.criterion(criterionID)
	if err != nil {
		return nil, err
	}
	a, evidence, err := s.pendingAnswer(ctx, t, criterionID)
	if err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	var items []types.TransactWriteItem
	if decision == "approve" {
		items, a, err = s.approveWrites(t, a, evidence, p.UserID, comment, now)
	} else {
		items, a, err = s.returnWrites(a, comment)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Store.Transact(ctx, items); err != nil {
		if errors.Is(err, store.ErrConditionFailed) {
			return nil, errVersionConflict
		}
		return nil, fmt.Errorf("review: %w", err)
	}
	s.recordOn(ctx, p, t, map[string]string{"approve": audit.ReviewApproved, "return": audit.ReviewReturned}[decision], map[string]string{"criterionId": criterionID})
	if err := s.finishIfDecided(ctx, t); err != nil {
		return nil, err
	}
	cv := viewOf(c, &a, evidence)
	return &cv, nil
}

// pendingAnswer reads a criterion's answer and completed evidence, refusing
// unless the profile is submitted and the criterion waits for review.
func (s *Service) pendingAnswer(ctx context.Context, t *target, criterionID string) (answerItem, []EvidenceRef, error) {
	if t.status() != Submitted {
		return answerItem{}, nil, fault.New(fault.Conflict, "not_submitted", "the profile is not submitted for review")
	}
	answers, evidence, err := s.answers(ctx, t)
	if err != nil {
		return answerItem{}, nil, err
	}
	a, found := answers[criterionID]
	if !found || a.Review.State != ReviewPending {
		return answerItem{}, nil, fault.New(fault.Conflict, "not_pending", "this criterion is not waiting for review")
	}
	return *a, evidence[criterionID], nil
}

// approveWrites are the writes that approve a: a new immutable version, and
// the answer's review state and latest approval, conditional on the answer
// being as the reviewer read it. It returns a as it stands after them.
func (s *Service) approveWrites(t *target, a answerItem, evidence []EvidenceRef, reviewerID, comment string, now time.Time) ([]types.TransactWriteItem, answerItem, error) {
	snap := a.Draft
	snap.Evidence = evidence
	snap.Version, snap.ReviewerID, snap.ApprovedAt, snap.Cycle = a.Approvals+1, reviewerID, &now, t.cycle()
	if snap.Evidence == nil {
		snap.Evidence = []EvidenceRef{}
	}
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	put, err := store.TxPut(s.Store.Table, versionItem{Key: t.book.versionKey(t.acc.ID, a.CriterionID, snap.Version), CriterionID: a.CriterionID, Snapshot: snap}, &notExists)
	if err != nil {
		return nil, a, err
	}
	sameVersion := expression.Name("version").Equal(expression.Value(a.Version))
	upd, err := store.TxUpdate(s.Store.Table, a.Key, expression.Set(expression.Name("review"), expression.Value(Review{State: ReviewApproved, Comment: comment})).
		Set(expression.Name("approved"), expression.Value(snap)).
		Set(expression.Name("approvals"), expression.Value(snap.Version)), &sameVersion)
	if err != nil {
		return nil, a, err
	}
	a.Approved, a.Approvals = &snap, snap.Version
	a.Review = Review{State: ReviewApproved, Comment: comment}
	return []types.TransactWriteItem{put, upd}, a, nil
}

// returnWrites is the write that returns a to its members with the
// reviewer's comment, conditional on the answer being as the reviewer read
// it. It returns a as it stands after it.
func (s *Service) returnWrites(a answerItem, comment string) ([]types.TransactWriteItem, answerItem, error) {
	sameVersion := expression.Name("version").Equal(expression.Value(a.Version))
	upd, err := store.TxUpdate(s.Store.Table, a.Key, expression.Set(expression.Name("review"), expression.Value(Review{State: ReviewReturned, Comment: comment})), &sameVersion)
	if err != nil {
		return nil, a, err
	}
	a.Review = Review{State: ReviewReturned, Comment: comment}
	return []types.TransactWriteItem{upd}, a, nil
}

// finishIfDecided closes the review once no criterion is pending: the
// profile is approved when every one is, returned otherwise. It reads the
// answers again after the decision was written, so of two reviewers deciding
// the last two criteria at once the later one sees both; the conditional
// update closes the review once.
func (s *Service) finishIfDecided(ctx context.Context, t *target) error {
	acc := t.acc
	answers, _, err := s.answers(ctx, t)
	if err != nil {
		return err
	}
	approved, returned := 0, 0
	for _, a := range answers {
		switch a.Review.State {
		case ReviewPending:
			return nil
		case ReviewApproved:
			approved++
		case ReviewReturned:
			returned++
		}
	}
	outcome := Approved
	if returned > 0 {
		outcome = Returned
	}
	err = account.CloseProfileReview(ctx, s.Store, acc.ID, t.book.Program, Submitted, outcome)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil // another reviewer closed it
	}
	if err != nil {
		return err
	}
	if outcome == Approved {
		if err := s.completeCycle(ctx, t); err != nil {
			return err
		}
	}
	for _, to := range acc.Contacts {
		if err := s.Mail.Send(ctx, mail.Message{To: to, Template: "review_outcome", Data: map[string]any{
			"AccountName": acc.Name, "Outcome": outcome, "Approved": approved, "Returned": returned, "Profile": t.book.Title,
		}}); err != nil {
			s.Log.ErrorContext(ctx, "review outcome email not sent", "account_id", acc.ID, "err", err.Error())
		}
	}
	return nil
}

// Versions lists every approved version of a criterion of a programme's
// profile, newest first.
func (s *Service) Versions(ctx context.Context, p accounts.Principal, accountID, program, criterionID string) ([]Snapshot, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.View, false)
	if err != nil {
		return nil, err
	}
	if _, err := t.criterion(criterionID); err != nil {
		return nil, err
	}
	var items []versionItem
	if err := s.Store.Query(ctx, "", store.KeyPrefix("PK", account.Partition(accountID), "SK", t.book.versionsPrefix(criterionID)), false, &items); err != nil {
		return nil, err
	}
	out := make([]Snapshot, 0, len(items))
	for _, it := range items {
		out = append(out, it.Snapshot)
	}
	return out, nil
}

// recordOn records an action on a programme's profile: its details name
// the programme.
func (s *Service) recordOn(ctx context.Context, p accounts.Principal, t *target, action string, details map[string]string) {
	if details == nil {
		details = map[string]string{}
	}
	details["program"] = t.book.Program
	s.record(ctx, p, t.acc.ID, action, details)
}

func (s *Service) record(ctx context.Context, p accounts.Principal, accountID, action string, details map[string]string) {
	e := audit.Event{UserID: p.UserID, ActorID: p.UserID, AccountID: accountID, Action: action, At: s.Now(), Details: details}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", action, "err", err.Error())
	}
}
