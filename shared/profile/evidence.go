package profile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/store"
)

// EvidenceConfig limits what may be uploaded.
type EvidenceConfig struct {
	Bucket      string
	Types       []string      // allowed content types
	MaxBytes    int64         // largest file
	MaxFiles    int           // files per criterion
	UploadTTL   time.Duration // how long a presigned POST works
	DownloadTTL time.Duration // how long a download link works
	PendingTTL  time.Duration // how long an upload may stay unfinished
}

// DefaultEvidence is the configuration when nothing is set: PDF, PNG, JPEG,
// DOCX, XLSX and plain text, 25 MiB, 20 files per criterion.
var DefaultEvidence = EvidenceConfig{
	Types: []string{"application/pdf", "image/png", "image/jpeg",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/plain"},
	MaxBytes: 25 << 20, MaxFiles: 20,
	UploadTTL: 15 * time.Minute, DownloadTTL: 5 * time.Minute, PendingTTL: 24 * time.Hour,
}

// EvidenceRef is a file attached to an answer, as drafts and versions list it.
type EvidenceRef struct {
	ID          string `dynamodbav:"id" json:"id"`
	FileName    string `dynamodbav:"fileName" json:"fileName"`
	ContentType string `dynamodbav:"contentType" json:"contentType"`
	Size        int64  `dynamodbav:"size" json:"size"`
	// VersionID and ETag name the S3 object version that completion checked:
	// downloads are of that version, so a later upload to the same key (the
	// presigned POST works until it expires) changes nothing a reviewer saw.
	VersionID string `dynamodbav:"versionId,omitempty" json:"-"`
	ETag      string `dynamodbav:"etag,omitempty" json:"-"`
}

// evidenceItem is one uploaded (or promised) file.
type evidenceItem struct {
	store.Key
	Kind        string     `dynamodbav:"kind"` // "evidence"
	CriterionID string     `dynamodbav:"criterionId"`
	EvidenceRef            // id, file name (display only), type, size
	S3Key       string     `dynamodbav:"s3Key"`
	Status      string     `dynamodbav:"status"` // pending, complete
	CreatedBy   string     `dynamodbav:"createdBy"`
	CreatedAt   time.Time  `dynamodbav:"createdAt"`
	CompletedAt *time.Time `dynamodbav:"completedAt,omitempty"`
	ExpiresAt   int64      `dynamodbav:"expiresAt,omitempty"` // TTL while pending
}

// EvidencePrefix starts the key of every evidence object; the profiles
// function may list the bucket under it (template.yaml), so S3 answers 404,
// not 403, for a file that has not arrived.
const EvidencePrefix = "evidence/"

// NewEvidence is a validated upload request.
type NewEvidence struct {
	FileName, ContentType string
	Size                  int64
}

// EvidenceRequest is the body of POST …/criteria/{criterionId}/evidence.
type EvidenceRequest struct {
	FileName    string `json:"fileName"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Validate checks the request against the configuration: a file name to show
// (no paths, no control or invisible formatting characters) ending in an
// extension of the declared type, a size from 1 byte to the maximum (400
// naming the field otherwise), and an allowed type (415 otherwise).
func (r EvidenceRequest) Validate(cfg EvidenceConfig) (NewEvidence, error) {
	name := strings.TrimSpace(r.FileName)
	mt, _, err := mime.ParseMediaType(r.ContentType)
	allowed := err == nil && slices.Contains(cfg.Types, mt)
	var p fault.Fields
	switch {
	case name == "":
		p.Add("fileName", "is required")
	case utf8.RuneCountInString(name) > 200:
		p.Add("fileName", "is longer than 200 characters")
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		p.Add("fileName", "must be a file name, not a path")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0:
		p.Add("fileName", "contains control characters")
	case strings.IndexFunc(name, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) >= 0:
		// Right-to-left overrides and zero-width characters disguise endings.
		p.Add("fileName", "contains invisible formatting characters")
	case allowed && !NameFits(name, mt):
		p.Add("fileName", "must end in %s for a file of type %s", extensions(mt), mt)
	}
	if r.Size < 1 || r.Size > cfg.MaxBytes {
		p.Add("size", "must be from 1 to %d bytes", cfg.MaxBytes)
	}
	if err := p.Err(); err != nil {
		return NewEvidence{}, err
	}
	if !allowed {
		return NewEvidence{}, fault.WithDetails(fault.UnsupportedMedia, "unsupported_file_type",
			"this kind of file cannot be uploaded; allowed: "+strings.Join(cfg.Types, ", "),
			[]fault.Detail{{Field: "contentType", Message: "is not an allowed file type"}})
	}
	return NewEvidence{FileName: name, ContentType: mt, Size: r.Size}, nil
}

// Upload is where and how the browser posts the file.
type Upload struct {
	URL    string            `json:"url"`
	Fields map[string]string `json:"fields"`
}

// StartUpload records a promised file and returns a presigned POST whose
// policy pins the key, the content type and the largest size, so S3 itself
// refuses anything else. A file never completed expires.
func (s *Service) StartUpload(ctx context.Context, p accounts.Principal, accountID, program, criterionID string, ne NewEvidence) (string, *Upload, error) {
	t, err := s.editable(ctx, p, accountID, program, criterionID)
	if err != nil {
		return "", nil, err
	}
	acc := t.acc
	var existing []evidenceItem
	if err := s.Store.Query(ctx, "", store.KeyPrefix("PK", account.Partition(acc.ID), "SK", t.book.evidencePrefix(criterionID)), true, &existing); err != nil {
		return "", nil, err
	}
	if len(existing) >= s.Evidence.MaxFiles {
		return "", nil, fault.New(fault.Conflict, "too_many_files", fmt.Sprintf("a criterion takes at most %d files", s.Evidence.MaxFiles))
	}
	id := store.NewID()
	now := s.Now().UTC()
	it := evidenceItem{Key: t.book.evidenceKey(acc.ID, criterionID, id), Kind: "evidence", CriterionID: criterionID,
		EvidenceRef: EvidenceRef{ID: id, FileName: ne.FileName, ContentType: ne.ContentType, Size: ne.Size},
		S3Key:       t.book.objectKey(acc.ID, criterionID, id), Status: "pending", CreatedBy: p.UserID, CreatedAt: now,
		ExpiresAt: now.Add(s.Evidence.PendingTTL).Unix()}
	if err := s.Store.Put(ctx, it, nil); err != nil {
		return "", nil, err
	}
	post, err := s.Presign.PresignPostObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(it.S3Key)},
		func(o *s3.PresignPostOptions) {
			o.Expires = s.Evidence.UploadTTL
			o.Conditions = []any{
				map[string]string{"Content-Type": ne.ContentType},
				[]any{"content-length-range", 1, ne.Size},
			}
		})
	if err != nil {
		return "", nil, fmt.Errorf("presign upload: %w", err)
	}
	fields := post.Values
	fields["Content-Type"] = ne.ContentType
	s.recordOn(ctx, p, t, audit.EvidenceUploadStarted, map[string]string{"criterionId": criterionID, "evidenceId": id})
	return id, &Upload{URL: post.URL, Fields: fields}, nil
}

// editable authorises an edit of the criterion's draft in a programme's
// profile.
func (s *Service) editable(ctx context.Context, p accounts.Principal, accountID, program, criterionID string) (*target, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.EditProfile, true)
	if err != nil {
		return nil, err
	}
	if _, err := t.criterion(criterionID); err != nil {
		return nil, err
	}
	if t.status() == Submitted {
		return nil, errUnderReview
	}
	return t, nil
}

var errNoEvidence = fault.New(fault.NotFound, "evidence_not_found", "no such file")

func (s *Service) evidence(ctx context.Context, t *target, criterionID, id string) (*evidenceItem, error) {
	var it evidenceItem
	found, err := s.Store.Get(ctx, t.book.evidenceKey(t.acc.ID, criterionID, id), &it)
	if err != nil {
		return nil, err
	}
	if !found || (it.Status == "pending" && s.Now().Unix() >= it.ExpiresAt) {
		return nil, errNoEvidence
	}
	return &it, nil
}

var (
	errUploadMissing   = fault.New(fault.Conflict, "upload_missing", "the file has not arrived; upload it first")
	errUploadChanged   = fault.New(fault.Conflict, "upload_changed", "the file changed while it was checked; complete the upload again")
	errAlreadyComplete = fault.New(fault.Conflict, "already_complete", "this file is already attached; start a new upload to add another")
	errContentMismatch = fault.New(fault.PolicyRejected, "content_mismatch", "the file's content is not of its declared type; it was removed")
)

// absent reports whether an error of HeadObject or GetObject means the
// object is not there. S3 answers 404 only to a caller allowed s3:ListBucket;
// to any other it answers 403 whether or not the key exists, so for an upload
// not yet completed a 403 means the same: nothing to complete.
func absent(err error) bool {
	var nf *s3types.NotFound
	var nk *s3types.NoSuchKey
	if errors.As(err, &nf) || errors.As(err, &nk) {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusNotFound || re.HTTPStatusCode() == http.StatusForbidden)
}

// CompleteUpload attaches an uploaded file to the draft, once: HeadObject
// checks the file is in the bucket with the promised size and type, a ranged
// GET of that very version checks its first bytes carry the type's signature
// (else the version is deleted and the answer is 422 content_mismatch), and
// the version id and ETag are recorded with the completion.
func (s *Service) CompleteUpload(ctx context.Context, p accounts.Principal, accountID, program, criterionID, id string) (*EvidenceRef, error) {
	t, it, err := s.pendingEvidence(ctx, p, accountID, program, criterionID, id)
	if err != nil {
		return nil, err
	}
	head, err := s.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(it.S3Key)})
	if absent(err) {
		s.Log.InfoContext(ctx, "evidence upload not found", "evidence_id", id, "err", err.Error())
		return nil, errUploadMissing
	}
	if err != nil {
		return nil, fmt.Errorf("head evidence: %w", err)
	}
	if aws.ToInt64(head.ContentLength) != it.Size || aws.ToString(head.ContentType) != it.ContentType {
		return nil, fault.New(fault.PolicyRejected, "upload_mismatch",
			fmt.Sprintf("the uploaded file is %d bytes of %s; %d bytes of %s were promised",
				aws.ToInt64(head.ContentLength), aws.ToString(head.ContentType), it.Size, it.ContentType))
	}
	ref := it.EvidenceRef
	ref.VersionID, ref.ETag = aws.ToString(head.VersionId), aws.ToString(head.ETag)
	first, err := s.firstBytes(ctx, it.S3Key, ref)
	if absent(err) {
		s.Log.InfoContext(ctx, "evidence upload not found", "evidence_id", id, "err", err.Error())
		return nil, errUploadMissing
	}
	if err != nil {
		return nil, err
	}
	if !ContentFits(it.ContentType, first, it.Size <= SniffBytes) {
		s.discard(ctx, it.S3Key, ref.VersionID)
		s.recordOn(ctx, p, t, audit.EvidenceRefused, map[string]string{"criterionId": criterionID, "evidenceId": id, "reason": "content_mismatch"})
		return nil, errContentMismatch
	}
	now := s.Now().UTC()
	upd := expression.Set(expression.Name("status"), expression.Value("complete")).
		Set(expression.Name("completedAt"), expression.Value(now)).Remove(expression.Name("expiresAt"))
	if ref.VersionID != "" {
		upd = upd.Set(expression.Name("versionId"), expression.Value(ref.VersionID))
	}
	if ref.ETag != "" {
		upd = upd.Set(expression.Name("etag"), expression.Value(ref.ETag))
	}
	// Of two completions at once, one records its version.
	cond := expression.Name("status").Equal(expression.Value("pending"))
	err = s.Store.Update(ctx, it.Key, upd, &cond, nil)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, errAlreadyComplete
	}
	if err != nil {
		return nil, err
	}
	s.recordOn(ctx, p, t, audit.EvidenceUploaded, map[string]string{"criterionId": criterionID, "evidenceId": id, "versionId": ref.VersionID})
	return &ref, nil
}

// pendingEvidence authorises completing an upload of a criterion's draft
// and reads its evidence item, which must still wait for its file.
func (s *Service) pendingEvidence(ctx context.Context, p accounts.Principal, accountID, program, criterionID, id string) (*target, *evidenceItem, error) {
	t, err := s.editable(ctx, p, accountID, program, criterionID)
	if err != nil {
		return nil, nil, err
	}
	it, err := s.evidence(ctx, t, criterionID, id)
	if err != nil {
		return nil, nil, err
	}
	if it.Status != "pending" {
		return nil, nil, errAlreadyComplete
	}
	return t, it, nil
}

// firstBytes reads the first SniffBytes of the object version ref names,
// provided it still has the ETag HeadObject saw.
func (s *Service) firstBytes(ctx context.Context, key string, ref EvidenceRef) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(key),
		Range: aws.String(fmt.Sprintf("bytes=0-%d", SniffBytes-1))}
	if ref.VersionID != "" {
		in.VersionId = aws.String(ref.VersionID)
	}
	if ref.ETag != "" {
		in.IfMatch = aws.String(ref.ETag)
	}
	out, err := s.S3.GetObject(ctx, in)
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusPreconditionFailed {
		return nil, errUploadChanged
	}
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(io.LimitReader(out.Body, SniffBytes))
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	return b, nil
}

// discard deletes a refused upload: the checked version for good (a plain
// delete in a versioned bucket would only hide it behind a delete marker).
// A failure is logged: the item stays pending, so the file is never served.
func (s *Service) discard(ctx context.Context, key, versionID string) {
	in := &s3.DeleteObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	if _, err := s.S3.DeleteObject(ctx, in); err != nil {
		s.Log.ErrorContext(ctx, "refused evidence not deleted", "key", key, "err", err.Error())
	}
}

// DownloadURL returns a short-lived link to the version of a completed file
// that completion checked, which the browser saves under a safe version of
// its name ending in its type's extension.
func (s *Service) DownloadURL(ctx context.Context, p accounts.Principal, accountID, program, criterionID, id string) (string, error) {
	t, err := s.open(ctx, p, accountID, program, accounts.View, false)
	if err != nil {
		return "", err
	}
	if _, err := t.criterion(criterionID); err != nil {
		return "", err
	}
	it, err := s.evidence(ctx, t, criterionID, id)
	if err != nil {
		return "", err
	}
	if it.Status != "complete" {
		return "", errNoEvidence
	}
	in := &s3.GetObjectInput{
		Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(it.S3Key),
		ResponseContentDisposition: aws.String(ContentDisposition(DownloadName(it.FileName, it.ContentType))),
		ResponseContentType:        aws.String(it.ContentType),
	}
	if it.VersionID != "" {
		in.VersionId = aws.String(it.VersionID)
	}
	req, err := s.Presign.PresignGetObject(ctx, in, func(o *s3.PresignOptions) { o.Expires = s.Evidence.DownloadTTL })
	if err != nil {
		return "", fmt.Errorf("presign download: %w", err)
	}
	return req.URL, nil
}

// ContentDisposition is an attachment header for a file name: an ASCII
// fallback with anything risky replaced, and the UTF-8 name percent-encoded.
func ContentDisposition(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 0x20 || r >= 0x7f || strings.ContainsRune(`"\;/:*?<>|%`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	return `attachment; filename="` + b.String() + `"; filename*=UTF-8''` + url.PathEscape(name)
}

// DeleteEvidence removes a file of a draft; files kept in an approved
// version stay.
func (s *Service) DeleteEvidence(ctx context.Context, p accounts.Principal, accountID, program, criterionID, id string) error {
	t, err := s.editable(ctx, p, accountID, program, criterionID)
	if err != nil {
		return err
	}
	it, err := s.evidence(ctx, t, criterionID, id)
	if err != nil {
		return err
	}
	var a answerItem
	if _, err := s.Store.Get(ctx, t.book.answerKey(accountID, criterionID), &a); err != nil {
		return err
	}
	if a.Approved != nil && slices.ContainsFunc(a.Approved.Evidence, func(e EvidenceRef) bool { return e.ID == id }) {
		return fault.New(fault.Conflict, "evidence_approved", "this file is part of an approved version and stays")
	}
	if err := s.Store.Delete(ctx, it.Key, nil); err != nil {
		return err
	}
	if _, err := s.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.Evidence.Bucket), Key: aws.String(it.S3Key)}); err != nil {
		return fmt.Errorf("delete evidence object: %w", err)
	}
	s.recordOn(ctx, p, t, audit.EvidenceDeleted, map[string]string{"criterionId": criterionID, "evidenceId": id})
	return nil
}
