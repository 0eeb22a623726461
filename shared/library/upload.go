package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/mail"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/store"
)

// Categories are the library's shelves.
var Categories = []string{"guidance", "security_criteria", "forms", "training", "bulletin"}

// MaxTitle bounds a document's title.
const MaxTitle = 200

// UploadRequest is the body of POST /v1/library.
type UploadRequest struct {
	Title       string `json:"title"`
	Category    string `json:"category"`
	Program     string `json:"program"` // optional: "" for every programme
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"` // optional: application/pdf
	Size        int64  `json:"size"`
}

// NewDocument is a validated upload request.
type NewDocument struct {
	Title, Category, Program, FileName string
	Size                               int64
}

// Validate checks every field and names each one that is wrong (400); a
// type other than PDF is 415. The file name and size follow the evidence
// rules: a name, not a path, without control or invisible characters, ending
// in .pdf; from 1 byte to maxBytes.
func (r UploadRequest) Validate(maxBytes int64) (NewDocument, error) {
	var p fault.Fields
	title, err := mail.Name(r.Title)
	switch {
	case err != nil:
		p.Add("title", "%v", err)
	case title == "" || utf8.RuneCountInString(title) > MaxTitle:
		p.Add("title", "is required, at most %d characters", MaxTitle)
	}
	if !slices.Contains(Categories, r.Category) {
		p.Add("category", "must be one of %s", strings.Join(Categories, ", "))
	}
	if r.Program != "" && !slices.Contains(accounts.Programs, r.Program) {
		p.Add("program", "must be one of %s, or left out for every programme", strings.Join(accounts.Programs, ", "))
	}
	ct := r.ContentType
	if ct == "" {
		ct = ContentType
	}
	file, ferr := profile.EvidenceRequest{FileName: r.FileName, ContentType: ct, Size: r.Size}.
		Validate(profile.EvidenceConfig{Types: []string{ContentType}, MaxBytes: maxBytes})
	if fe := fault.As(ferr); ferr != nil && fe.Kind == fault.Invalid {
		p = append(p, fe.Details...)
	}
	if err := p.Err(); err != nil {
		return NewDocument{}, err
	}
	if ferr != nil {
		return NewDocument{}, ferr // 415: not a PDF
	}
	return NewDocument{Title: title, Category: r.Category, Program: r.Program, FileName: file.FileName, Size: file.Size}, nil
}

// Upload is where and how the browser posts the file.
type Upload struct {
	URL    string            `json:"url"`
	Fields map[string]string `json:"fields"`
}

// StartUpload records a pending document and returns a presigned POST whose
// policy pins the key, the type and the largest size, so S3 itself refuses
// anything else. A document never completed expires.
func (s *Service) StartUpload(ctx context.Context, by string, nd NewDocument) (*Document, *Upload, error) {
	now := s.Now().UTC()
	id := store.NewID()
	d := Document{Key: docKey(id), ID: id, Title: nd.Title, Category: nd.Category, Program: nd.Program,
		FileName: nd.FileName, Size: nd.Size, Status: Pending, S3Key: objectKey(id), CreatedBy: by, CreatedAt: now,
		ExpiresAt: now.Add(s.Config.PendingTTL).Unix()}
	notExists := expression.AttributeNotExists(expression.Name(store.AttrPK))
	if err := s.Store.Put(ctx, d, &notExists); err != nil {
		return nil, nil, fmt.Errorf("record library upload: %w", err)
	}
	post, err := s.Presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Config.Bucket), Key: aws.String(d.S3Key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = s.Config.UploadTTL
			o.Conditions = []any{
				map[string]string{"Content-Type": ContentType},
				[]any{"content-length-range", 1, nd.Size},
			}
		})
	if err != nil {
		return nil, nil, fmt.Errorf("presign library upload: %w", err)
	}
	fields := post.Values
	fields["Content-Type"] = ContentType
	s.record(ctx, by, audit.LibraryUploadStarted, map[string]string{"documentId": id, "title": d.Title})
	return &d, &Upload{URL: post.URL, Fields: fields}, nil
}

var (
	errUploadMissing   = fault.New(fault.Conflict, "upload_missing", "the file has not arrived; upload it first")
	errAlreadyComplete = fault.New(fault.Conflict, "already_complete", "this document is already published")
	errContentMismatch = fault.New(fault.PolicyRejected, "content_mismatch", "the file is not a PDF; it was removed")
	errUploadChanged   = fault.New(fault.Conflict, "upload_changed", "the file changed while it was checked; complete the upload again")
)

// Complete publishes an uploaded document, once: HeadObject checks the file
// is there with the promised size and type, a ranged GET of that version
// checks it starts as a PDF does (else the version is deleted: 422
// content_mismatch), and the version and ETag are recorded, so downloads
// serve exactly what was checked.
func (s *Service) Complete(ctx context.Context, by, id string) (*Document, error) {
	d, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != Pending {
		return nil, errAlreadyComplete
	}
	if err := s.check(ctx, d); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("status"), expression.Value(Published)).
		Set(expression.Name("publishedAt"), expression.Value(now)).Remove(expression.Name("expiresAt"))
	if d.VersionID != "" {
		upd = upd.Set(expression.Name("versionId"), expression.Value(d.VersionID))
	}
	if d.ETag != "" {
		upd = upd.Set(expression.Name("etag"), expression.Value(d.ETag))
	}
	cond := expression.Name("status").Equal(expression.Value(Pending)) // of two completions, one publishes
	if err := s.Store.Update(ctx, d.Key, upd, &cond, nil); errors.Is(err, store.ErrConditionFailed) {
		return nil, errAlreadyComplete
	} else if err != nil {
		return nil, err
	}
	d.Status, d.PublishedAt, d.ExpiresAt = Published, &now, 0
	s.record(ctx, by, audit.LibraryDocumentPublished, map[string]string{"documentId": id, "title": d.Title,
		"category": d.Category, "program": d.Program, "versionId": d.VersionID})
	return d, nil
}

// check reads what arrived for d and fills in its version and ETag; a file
// that is not what was promised is refused (and, if not a PDF, deleted).
func (s *Service) check(ctx context.Context, d *Document) error {
	head, err := s.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Config.Bucket), Key: aws.String(d.S3Key)})
	if absent(err) {
		return errUploadMissing
	}
	if err != nil {
		return fmt.Errorf("head library object: %w", err)
	}
	if aws.ToInt64(head.ContentLength) != d.Size || aws.ToString(head.ContentType) != ContentType {
		return fault.New(fault.PolicyRejected, "upload_mismatch", fmt.Sprintf("the uploaded file is %d bytes of %s; %d bytes of %s were promised",
			aws.ToInt64(head.ContentLength), aws.ToString(head.ContentType), d.Size, ContentType))
	}
	d.VersionID, d.ETag = aws.ToString(head.VersionId), aws.ToString(head.ETag)
	first, err := s.firstBytes(ctx, d)
	if absent(err) {
		return errUploadMissing
	}
	if err != nil {
		return err
	}
	if !profile.ContentFits(ContentType, first, d.Size <= profile.SniffBytes) {
		s.discard(ctx, d.S3Key, d.VersionID)
		s.record(ctx, d.CreatedBy, audit.LibraryUploadRefused, map[string]string{"documentId": d.ID, "reason": "content_mismatch"})
		return errContentMismatch
	}
	return nil
}

// firstBytes reads the first bytes of the version HeadObject saw.
func (s *Service) firstBytes(ctx context.Context, d *Document) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(s.Config.Bucket), Key: aws.String(d.S3Key),
		Range: aws.String(fmt.Sprintf("bytes=0-%d", profile.SniffBytes-1))}
	if d.VersionID != "" {
		in.VersionId = aws.String(d.VersionID)
	}
	if d.ETag != "" {
		in.IfMatch = aws.String(d.ETag)
	}
	out, err := s.S3.GetObject(ctx, in)
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed {
		return nil, errUploadChanged
	}
	if err != nil {
		return nil, fmt.Errorf("read library object: %w", err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, profile.SniffBytes))
	if err != nil {
		return nil, fmt.Errorf("read library object: %w", err)
	}
	return b, nil
}
