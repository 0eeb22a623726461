package profile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// OpenAnnualReview starts the next review cycle of a programme's approved
// profile: each criterion's draft starts from its last approved answer
// (evidence kept), and the profile is a draft again. The cycle answers the
// account's review due date as it stands.
func (s *Service) OpenAnnualReview(ctx context.Context, p accounts.Principal, accountID, program string) (int, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.EditProfile, true)
	if err != nil {
		return 0, err
	}
	acc := t.acc
	if t.status() != Approved {
		return 0, fault.New(fault.Conflict, "review_in_progress", "the annual review opens once the profile is approved; it is "+t.status())
	}
	answers, _, err := s.answers(ctx, t)
	if err != nil {
		return 0, err
	}
	next := t.cycle() + 1
	accUpd, err := account.StartProfileCycle(s.Store, acc, program, Approved, Draft, next)
	if err != nil {
		return 0, err
	}
	items := []types.TransactWriteItem{accUpd}
	for id, a := range answers {
		if a.Approved == nil {
			continue
		}
		upd, err := store.TxUpdate(s.Store.Table, t.book.answerKey(acc.ID, id),
			expression.Set(expression.Name("draft"), expression.Value(map[string]string{"answer": a.Approved.Answer, "narrative": a.Approved.Narrative})).
				Set(expression.Name("review"), expression.Value(Review{State: ReviewNone})).
				Set(expression.Name("version"), expression.Value(a.Version+1)), nil)
		if err != nil {
			return 0, err
		}
		items = append(items, upd)
	}
	for chunk := range slices.Chunk(items, 100) {
		if err := s.Store.Transact(ctx, chunk); err != nil {
			if errors.Is(err, store.ErrConditionFailed) {
				return 0, fault.New(fault.Conflict, "review_in_progress", "the annual review is already open")
			}
			return 0, fmt.Errorf("open annual review: %w", err)
		}
	}
	s.recordOn(ctx, p, t, audit.AnnualReviewOpened, map[string]string{"cycle": fmt.Sprint(next)})
	return next, nil
}

// completeCycle runs when a profile is approved: the cycle's PDF goes to the
// document library, and an annual review moves the account's due date on a
// year from the date the cycle answered (the due-date index follows, since
// its key is the date). The due date is the account's, one for all its
// programmes: when the annual reviews of two programmes answer the same
// date, the first approval moves it and the second finds it moved.
func (s *Service) completeCycle(ctx context.Context, t *target) error {
	if err := s.storeDocument(ctx, t); err != nil {
		return err
	}
	if t.cycle() < 2 {
		return nil
	}
	_, err := account.CompleteCycleDueDate(ctx, s.Store, t.acc, t.state)
	return err
}

type documentItem struct {
	store.Key
	Cycle     int       `dynamodbav:"cycle"`
	S3Key     string    `dynamodbav:"s3Key"`
	Size      int64     `dynamodbav:"size"`
	CreatedAt time.Time `dynamodbav:"createdAt"`
}

// storeDocument renders the approved profile of the cycle as a PDF and keeps
// it in the bucket and the document library.
func (s *Service) storeDocument(ctx context.Context, t *target) error {
	acc := t.acc
	answers, _, err := s.answers(ctx, t)
	if err != nil {
		return err
	}
	n := t.cycle()
	pdf, err := RenderPDF(acc, t.book.Questionnaire, n, answers, s.Now().UTC())
	if err != nil {
		return err
	}
	key := t.book.documentObject(acc.ID, n)
	if _, err := s.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(pdf), ContentType: aws.String("application/pdf")}); err != nil {
		return fmt.Errorf("store document: %w", err)
	}
	doc := documentItem{Key: t.book.documentKey(acc.ID, n), Cycle: n, S3Key: key,
		Size: int64(len(pdf)), CreatedAt: s.Now().UTC()}
	return s.Store.Put(ctx, doc, nil)
}

// RenderPDF writes, for review cycle n of the account's profile answering
// questionnaire q, every criterion's approved answer, narrative and evidence
// names. Text outside Windows-1252 is replaced, as the core PDF fonts cannot
// show it.
func RenderPDF(acc *account.Account, q criteria.Questionnaire, n int, answers map[string]*answerItem, at time.Time) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	pdf.SetTitle(q.Title+" of "+acc.Name, true)
	pdf.SetAuthor("Partner Portal", true)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 16)
	pdf.MultiCell(0, 8, tr(q.Title+": "+acc.Name), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	pdf.MultiCell(0, 5, tr(fmt.Sprintf("%s · entity type %s · review cycle %d · approved %s",
		acc.OrgName, acc.EntityType, n, at.Format("2 January 2006"))), "", "L", false)
	pdf.Ln(4)
	for _, c := range q.ForEntityType(acc.EntityType) {
		a := answers[c.ID]
		if a == nil || a.Approved == nil {
			continue
		}
		pdf.SetFont("Helvetica", "B", 11)
		pdf.MultiCell(0, 6, tr(c.ID+"  "+c.Title), "", "L", false)
		pdf.SetFont("Helvetica", "", 10)
		pdf.MultiCell(0, 5, tr("Answer: "+a.Approved.Answer+fmt.Sprintf("   (version %d)", a.Approved.Version)), "", "L", false)
		if a.Approved.Narrative != "" {
			pdf.MultiCell(0, 5, tr(a.Approved.Narrative), "", "L", false)
		}
		if len(a.Approved.Evidence) > 0 {
			var names []string
			for _, e := range a.Approved.Evidence {
				names = append(names, e.FileName)
			}
			pdf.MultiCell(0, 5, tr("Evidence: "+strings.Join(names, ", ")), "", "L", false)
		}
		pdf.Ln(2)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render pdf: %w", err)
	}
	return buf.Bytes(), nil
}

// Document is a completed review cycle in the library.
type Document struct {
	Cycle     int       `json:"cycle"`
	CreatedAt time.Time `json:"createdAt"`
	Size      int64     `json:"size"`
	URL       string    `json:"url"`
}

// Documents lists the review-cycle PDFs of a programme's profile with
// short-lived links.
func (s *Service) Documents(ctx context.Context, p accounts.Principal, accountID, program string) ([]Document, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.View, false)
	if err != nil {
		return nil, err
	}
	var items []documentItem
	if err := s.Store.Query(ctx, "", store.KeyPrefix("PK", account.Partition(accountID), "SK", t.book.documentsPrefix()), false, &items); err != nil {
		return nil, err
	}
	out := make([]Document, 0, len(items))
	for _, it := range items {
		req, err := s.Presign.PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(it.S3Key),
			ResponseContentDisposition: aws.String(ContentDisposition(fmt.Sprintf("%s-cycle-%d.pdf", t.book.fileStem(), it.Cycle)))},
			func(o *s3.PresignOptions) { o.Expires = s.Evidence.DownloadTTL })
		if err != nil {
			return nil, err
		}
		out = append(out, Document{Cycle: it.Cycle, CreatedAt: it.CreatedAt, Size: it.Size, URL: req.URL})
	}
	return out, nil
}
