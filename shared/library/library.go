// Package library is the programme's public document library: admins
// publish PDFs (guidance, forms, bulletins …) with a title, a category and a
// programme, and anyone, signed in or not, lists them and downloads them
// through short-lived presigned links. Uploads go straight to S3 through a
// presigned POST, as evidence does, and are published only once completion
// has checked that the object arrived with the promised size and starts as a
// PDF does. The objects live under library/ in the evidence bucket, keyed by
// the document's id alone.
package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/store"
)

// Prefix starts the key of every library object in the bucket; the profiles
// function's policy grants the library's actions under it alone.
const Prefix = "library/"

// ContentType is the one type the library takes.
const ContentType = "application/pdf"

// Document statuses: pending from the upload's start until completion checks
// the file, then published. Only published documents are listed or served.
const (
	Pending   = "pending"
	Published = "published"
)

// Document is one file of the library.
type Document struct {
	store.Key   `json:"-"`
	ID          string     `dynamodbav:"id" json:"id"`
	Title       string     `dynamodbav:"title" json:"title"`
	Category    string     `dynamodbav:"category" json:"category"`
	Program     string     `dynamodbav:"program,omitempty" json:"program"` // "" for every programme
	FileName    string     `dynamodbav:"fileName" json:"fileName"`         // display only
	Size        int64      `dynamodbav:"size" json:"size"`
	Status      string     `dynamodbav:"status" json:"status"`
	S3Key       string     `dynamodbav:"s3Key" json:"-"`
	VersionID   string     `dynamodbav:"versionId,omitempty" json:"-"` // the version completion checked
	ETag        string     `dynamodbav:"etag,omitempty" json:"-"`
	CreatedBy   string     `dynamodbav:"createdBy" json:"-"`
	CreatedAt   time.Time  `dynamodbav:"createdAt" json:"-"`
	PublishedAt *time.Time `dynamodbav:"publishedAt,omitempty" json:"publishedAt,omitempty"`
	ExpiresAt   int64      `dynamodbav:"expiresAt,omitempty" json:"-"` // TTL while pending
}

// partition holds every document: a library is a few hundred files at most,
// read by one query.
const partition = "LIBRARY"

func docKey(id string) store.Key { return store.Key{PK: partition, SK: id} }

// objectKey is built from the id only, never from the uploaded file's name.
func objectKey(id string) string { return Prefix + id }

// Config is where the library's files go and how long links work.
type Config struct {
	Bucket      string
	MaxBytes    int64         // largest file
	UploadTTL   time.Duration // how long a presigned POST works
	DownloadTTL time.Duration // how long a download link works
	PendingTTL  time.Duration // how long an upload may stay unfinished
}

// Recorder writes audit events (audit.Log).
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Objects is the part of the S3 client the library uses.
type Objects interface {
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	DeleteObject(ctx context.Context, in *s3.DeleteObjectInput, opts ...func(*s3.Options)) (*s3.DeleteObjectOutput, error)
}

// Service keeps the library.
type Service struct {
	Store   *store.Store
	S3      Objects
	Presign *s3.PresignClient
	Config  Config
	Audit   Recorder
	Now     func() time.Time
	Log     *slog.Logger
}

var errNotFound = fault.New(fault.NotFound, "document_not_found", "no such document")

// get reads a document; a pending upload past its time is absent.
func (s *Service) get(ctx context.Context, id string) (*Document, error) {
	var d Document
	found, err := s.Store.Get(ctx, docKey(id), &d)
	if err != nil {
		return nil, fmt.Errorf("read document: %w", err)
	}
	if !found || (d.Status == Pending && s.Now().Unix() >= d.ExpiresAt) {
		return nil, errNotFound
	}
	return &d, nil
}

// Filter narrows the list: a category, a programme (documents for every
// programme are listed under each), or both; empty fields match all.
type Filter struct {
	Category, Program string
}

// List returns the published documents that match f, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]Document, error) {
	var all []Document
	if err := s.Store.Query(ctx, "", store.KeyOnly(store.AttrPK, partition), true, &all); err != nil {
		return nil, fmt.Errorf("list library: %w", err)
	}
	out := slices.DeleteFunc(all, func(d Document) bool {
		return d.Status != Published || (f.Category != "" && d.Category != f.Category) ||
			(f.Program != "" && d.Program != "" && d.Program != f.Program)
	})
	slices.SortFunc(out, func(a, b Document) int {
		if c := b.PublishedAt.Compare(*a.PublishedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// DownloadURL is a short-lived link to the published document's checked
// version, saved as its file name.
func (s *Service) DownloadURL(ctx context.Context, id string) (string, error) {
	d, err := s.get(ctx, id)
	if err != nil {
		return "", err
	}
	if d.Status != Published {
		return "", errNotFound
	}
	in := &s3.GetObjectInput{
		Bucket: aws.String(s.Config.Bucket), Key: aws.String(d.S3Key),
		ResponseContentDisposition: aws.String(profile.ContentDisposition(profile.DownloadName(d.FileName, ContentType))),
		ResponseContentType:        aws.String(ContentType),
	}
	if d.VersionID != "" {
		in.VersionId = aws.String(d.VersionID)
	}
	req, err := s.Presign.PresignGetObject(ctx, in, func(o *s3.PresignOptions) { o.Expires = s.Config.DownloadTTL })
	if err != nil {
		return "", fmt.Errorf("presign library download: %w", err)
	}
	return req.URL, nil
}

// Delete unpublishes a document (or drops an unfinished upload): the item
// goes, and the object's checked version with it, for good.
func (s *Service) Delete(ctx context.Context, by, id string) error {
	d, err := s.get(ctx, id)
	if err != nil {
		return err
	}
	exists := expression.AttributeExists(expression.Name(store.AttrPK))
	if err := s.Store.Delete(ctx, d.Key, &exists); errors.Is(err, store.ErrConditionFailed) {
		return errNotFound
	} else if err != nil {
		return err
	}
	s.discard(ctx, d.S3Key, d.VersionID)
	s.record(ctx, by, audit.LibraryDocumentDeleted, map[string]string{"documentId": id, "title": d.Title, "status": d.Status})
	return nil
}

// discard deletes an object version for good (a plain delete in a versioned
// bucket would only hide it behind a delete marker). A failure is logged:
// the item is gone, so the file is never served again.
func (s *Service) discard(ctx context.Context, key, versionID string) {
	in := &s3.DeleteObjectInput{Bucket: aws.String(s.Config.Bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	if _, err := s.S3.DeleteObject(ctx, in); err != nil {
		s.Log.ErrorContext(ctx, "library object not deleted", "key", key, "err", err.Error())
	}
}

// absent reports whether an error of HeadObject or GetObject means the
// object is not there. Without s3:ListBucket (the function has none on the
// library's keys) S3 answers 403 for a missing key, so 403 means the same.
func absent(err error) bool {
	var nf *s3types.NotFound
	var nk *s3types.NoSuchKey
	if errors.As(err, &nf) || errors.As(err, &nk) {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && (re.HTTPStatusCode() == http.StatusNotFound || re.HTTPStatusCode() == http.StatusForbidden)
}

func (s *Service) record(ctx context.Context, by, action string, details map[string]string) {
	e := audit.Event{UserID: by, ActorID: by, Action: action, At: s.Now(), Details: details}
	if err := s.Audit.Record(ctx, e); err != nil {
		s.Log.ErrorContext(ctx, "audit event not written", "action", action, "err", err.Error())
	}
}
