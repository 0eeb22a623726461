package profile_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/store"
)

const (
	docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// upload starts an upload of content on the criterion, posts it to MinIO and
// returns the evidence id, the presigned POST and the object key.
func (e *env) upload(crit, name, contentType string, content []byte) (string, map[string]any, string) {
	e.t.Helper()
	r := e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/"+crit+"/evidence", e.user,
		map[string]any{"fileName": name, "contentType": contentType, "size": len(content)}), 201).JSON()
	up := r["upload"].(map[string]any)
	if status, body := post(e.t, up, "", content); status != 204 {
		e.t.Fatalf("upload %s = %d %s", name, status, body)
	}
	return r["evidenceId"].(string), up, up["fields"].(map[string]any)["key"].(string)
}

func (e *env) evidencePath(crit, id string) string {
	return "/v1/accounts/" + e.account + "/profile/criteria/" + crit + "/evidence/" + id
}

// download fetches the evidence through its download link.
func (e *env) download(crit, id string) ([]byte, http.Header) {
	e.t.Helper()
	link := e.must(e.call("GET", e.evidencePath(crit, id), e.user, nil), 200).JSON()["url"].(string)
	res, err := http.Get(link)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		e.t.Fatalf("download = %d %s", res.StatusCode, b)
	}
	return b, res.Header
}

// objectVersions lists the versions MinIO keeps of key.
func (e *env) objectVersions(key string) []string {
	e.t.Helper()
	out, err := e.d.S3.ListObjectVersions(context.Background(), &s3.ListObjectVersionsInput{Bucket: aws.String(e.d.Config.BucketName), Prefix: aws.String(key)})
	if err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for _, v := range out.Versions {
		ids = append(ids, aws.ToString(v.VersionId))
	}
	return ids
}

// TestEvidenceNameMustFitType: the file name's extension must belong to the
// declared type. A name that does not is a 400 naming fileName, before any
// item or URL is made.
func TestEvidenceNameMustFitType(t *testing.T) {
	e := newEnv(t)
	base := "/v1/accounts/" + e.account + "/profile/criteria/vision.1/evidence"
	for _, bad := range []struct{ name, ct string }{
		{"x.hta", "application/pdf"},
		{"shortcut.lnk", "application/pdf"},
		{"page.html", "application/pdf"},
		{"drawing.svg", "image/png"},
		{"macros.docm", docx},
		{"setup.exe", "application/pdf"},
		{"report.pdf.exe", "application/pdf"},
		{"report.pdf.", "application/pdf"},
		{"policy", "application/pdf"},
		{"notes.txt", "application/pdf"},
		{"photo.png", "image/jpeg"},
		{"sheet.xlsx", docx},
		{"script.js", "text/plain"},
		{"invoice\u202efdp.exe", "application/pdf"},
		{"invoice\u202egnp.pdf", "application/pdf"},
	} {
		r := e.call("POST", base, e.user, map[string]any{"fileName": bad.name, "contentType": bad.ct, "size": 100})
		var body struct {
			Error struct {
				Code    string `json:"code"`
				Details []struct {
					Field string `json:"field"`
				} `json:"details"`
			} `json:"error"`
		}
		_ = json.Unmarshal(r.Body, &body)
		if r.Status != 400 || body.Error.Code != "invalid_file_name" || len(body.Error.Details) == 0 || body.Error.Details[0].Field != "fileName" {
			t.Errorf("start %q as %s = %d %s; want 400 invalid_file_name naming fileName", bad.name, bad.ct, r.Status, r.Body)
		}
	}
	var items []map[string]any
	if err := e.d.Store.Query(context.Background(), "", store.KeyPrefix("PK", "ACCOUNT#"+e.account, "SK", "CRIT#vision.1#EV#"), true, &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 0 {
		t.Errorf("refused names left %d evidence items; want none", len(items))
	}
	for _, good := range []struct{ name, ct string }{
		{"Policy.PDF", "application/pdf"}, {"scan.jpeg", "image/jpeg"}, {"Scan.JPG", "image/jpeg; charset=binary"},
		{"diagram.png", "image/png"}, {"plan.docx", docx}, {"costs.xlsx", xlsx}, {"notes.txt", "text/plain; charset=utf-8"},
	} {
		if r := e.call("POST", base, e.user, map[string]any{"fileName": good.name, "contentType": good.ct, "size": 100}); r.Status != 201 {
			t.Errorf("start %q as %s = %d %s; want 201", good.name, good.ct, r.Status, r.Body)
		}
	}
}

// TestEvidenceContentChecked: completion reads the object's first bytes and
// refuses (422 content_mismatch, the object deleted, never downloadable) a
// file whose content is not of its declared type; files that are complete.
func TestEvidenceContentChecked(t *testing.T) {
	e := newEnv(t)
	mz := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), random(2000)...)
	png := append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), random(500)...)
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), random(500)...)
	zip := append([]byte("PK\x03\x04\x14\x00\x06\x00"), random(500)...)
	// A text longer than what completion reads, with a character cut by
	// the end of the range: still text.
	long := append(bytes.Repeat([]byte("a"), profile.SniffBytes-1), []byte("é and more text\n")...)
	for _, tt := range []struct {
		name, ct string
		content  []byte
		ok       bool
	}{
		{"policy.pdf", "application/pdf", mz, false},
		{"diagram.png", "image/png", jpeg, false},
		{"photo.jpg", "image/jpeg", png, false},
		{"plan.docx", docx, pdf(300), false},
		{"costs.xlsx", xlsx, []byte("<html><script>alert(1)</script></html>"), false},
		{"notes.txt", "text/plain", []byte("hello\x00world"), false},
		{"notes.txt", "text/plain", []byte("\xff\xfeh\x00i\x00"), false},
		{"notes.txt", "text/plain", mz, false},
		{"policy.pdf", "application/pdf", pdf(3000), true},
		{"diagram.png", "image/png", png, true},
		{"photo.jpg", "image/jpeg", jpeg, true},
		{"plan.docx", docx, zip, true},
		{"costs.xlsx", xlsx, zip, true},
		{"notes.txt", "text/plain", []byte("Grüße, 世界\n"), true},
		{"long.txt", "text/plain", long, true},
	} {
		id, _, key := e.upload("vision.2", tt.name, tt.ct, tt.content)
		r := e.call("POST", e.evidencePath("vision.2", id)+"/complete", e.user, nil)
		if tt.ok {
			if r.Status != 200 {
				t.Errorf("complete %s (%s, %.8q) = %d %s; want 200", tt.name, tt.ct, tt.content, r.Status, r.Body)
			}
			continue
		}
		if r.Status != 422 || r.Code() != "content_mismatch" {
			t.Errorf("complete %s (%s, %.8q) = %d %s; want 422 content_mismatch", tt.name, tt.ct, tt.content, r.Status, r.Body)
		}
		if vs := e.objectVersions(key); len(vs) != 0 {
			t.Errorf("refused %s: the bucket keeps %d versions of it; want none", tt.name, len(vs))
		}
		if r := e.call("GET", e.evidencePath("vision.2", id), e.user, nil); r.Status != 404 {
			t.Errorf("download of refused %s = %d; want 404", tt.name, r.Status)
		}
		if r := e.call("POST", e.evidencePath("vision.2", id)+"/complete", e.user, nil); r.Status != 409 || r.Code() != "upload_missing" {
			t.Errorf("complete refused %s again = %d %s; want 409 upload_missing", tt.name, r.Status, r.Body)
		}
	}
	ev := e.profile(e.user)["vision.2"]["draft"].(map[string]any)["evidence"].([]any)
	if len(ev) != 7 {
		t.Errorf("draft has %d files; want the 7 that fit", len(ev))
	}
	for _, f := range ev {
		body, h := e.download("vision.2", f.(map[string]any)["id"].(string))
		if bytes.HasPrefix(body, []byte("MZ")) || !strings.Contains(h.Get("Content-Disposition"), f.(map[string]any)["fileName"].(string)) {
			t.Errorf("download of %v: %.8q, %s", f, body, h.Get("Content-Disposition"))
		}
	}
}

// TestEvidenceCannotBeSwapped: the presigned POST still works after
// completion, but what was checked, approved and downloaded is the version
// completion recorded; a second completion is refused.
func TestEvidenceCannotBeSwapped(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	original, swapped := pdf(4000), pdf(4000)
	id, up, key := e.upload("vision.1", "policy.pdf", "application/pdf", original)
	e.must(e.call("POST", e.evidencePath("vision.1", id)+"/complete", e.user, nil), 200)
	answerAllAndSubmit(t, e)
	e.approveAll(t)

	// The same presigned POST, different bytes: MinIO takes them.
	if status, body := post(t, up, "", swapped); status != 204 {
		t.Fatalf("second upload = %d %s", status, body)
	}
	cur, err := e.d.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(e.d.Config.BucketName), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	latest, _ := io.ReadAll(cur.Body)
	cur.Body.Close()
	if !bytes.Equal(latest, swapped) || len(e.objectVersions(key)) != 2 {
		t.Fatalf("the bucket's latest version is not the swapped file (%d versions); the test proves nothing", len(e.objectVersions(key)))
	}

	if got, _ := e.download("vision.1", id); !bytes.Equal(got, original) {
		t.Errorf("download after the swap gives other bytes than were approved")
	}
	if r := e.call("POST", e.evidencePath("vision.1", id)+"/complete", e.user, nil); r.Status != 409 || r.Code() != "already_complete" {
		t.Errorf("completing again = %d %s; want 409 already_complete", r.Status, r.Body)
	}
	if got, _ := e.download("vision.1", id); !bytes.Equal(got, original) {
		t.Errorf("download after a second completion gives other bytes than were approved")
	}

	// The approved version names the object version it approved.
	var versions []struct {
		Evidence []struct {
			ID        string `dynamodbav:"id"`
			VersionID string `dynamodbav:"versionId"`
			ETag      string `dynamodbav:"etag"`
		} `dynamodbav:"evidence"`
	}
	if err := e.d.Store.Query(ctx, "", store.KeyPrefix("PK", "ACCOUNT#"+e.account, "SK", "VERSION#vision.1#"), true, &versions); err != nil {
		t.Fatal(err)
	}
	if len(versions) != 1 || len(versions[0].Evidence) != 1 || versions[0].Evidence[0].ID != id || versions[0].Evidence[0].VersionID == "" {
		t.Fatalf("approved versions = %+v; want one naming the file's object version", versions)
	}
	ref := versions[0].Evidence[0]
	obj, err := e.d.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(e.d.Config.BucketName), Key: aws.String(key), VersionId: aws.String(ref.VersionID)})
	if err != nil {
		t.Fatal(err)
	}
	approved, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	if !bytes.Equal(approved, original) || aws.ToString(obj.ETag) != ref.ETag {
		t.Errorf("the approved version's object is not the original file (ETag %s, recorded %s)", aws.ToString(obj.ETag), ref.ETag)
	}
}

// TestCompleteWhenS3AnswersForbidden: AWS answers HeadObject of a missing
// key with 403 to a caller without s3:ListBucket. MinIO gives a 403 only to a
// caller it refuses reading altogether, so here the profiles service reaches
// MinIO without credentials: completing an upload then meets a real 403 and
// answers 409 upload_missing, not a 500, and attaches nothing.
func TestCompleteWhenS3AnswersForbidden(t *testing.T) {
	var anon *s3.Client
	e := newEnvWith(t, func(d *portal.Deps) {
		anon = s3.New(d.S3.Options(), func(o *s3.Options) { o.Credentials = aws.AnonymousCredentials{} })
		d.Profiles.S3 = anon
	})
	r := e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/evidence", e.user,
		map[string]any{"fileName": "policy.pdf", "contentType": "application/pdf", "size": 2000}), 201).JSON()
	id, up := r["evidenceId"].(string), r["upload"].(map[string]any)
	key := up["fields"].(map[string]any)["key"].(string)

	_, err := anon.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(e.d.Config.BucketName), Key: aws.String(key)})
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 403 {
		t.Fatalf("MinIO's answer to HeadObject of the missing key = %v; want 403, or the test proves nothing", err)
	}
	if r := e.call("POST", e.evidencePath("vision.1", id)+"/complete", e.user, nil); r.Status != 409 || r.Code() != "upload_missing" {
		t.Errorf("complete before uploading, S3 answering 403 = %d %s; want 409 upload_missing", r.Status, r.Body)
	}
	if r := e.call("GET", e.evidencePath("vision.1", id), e.user, nil); r.Status != 404 {
		t.Errorf("download of the upload never completed = %d; want 404", r.Status)
	}
	if ev := e.profile(e.user)["vision.1"]["draft"].(map[string]any)["evidence"].([]any); len(ev) != 0 {
		t.Errorf("draft evidence = %v; want none", ev)
	}
}
