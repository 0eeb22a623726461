package library_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
	"github.com/partner-portal/portal/shared/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is a portal with an admin and a partner user signed in.
type env struct {
	t              *testing.T
	d              *portal.Deps
	base           string
	admin, partner string
	adminID        string
}

func newEnv(t *testing.T) *env {
	d, base := testenv.Portal(t, nil, nil)
	e := &env{t: t, d: d, base: base}
	var email string
	email, e.adminID = testenv.Person(t, d, "librarian", identity.Admin)
	e.admin = testenv.SignIn(t, base, email, testenv.Password)
	email, _ = testenv.Person(t, d, "reader", "")
	e.partner = testenv.SignIn(t, base, email, testenv.Password)
	return e
}

func (e *env) call(method, path, token string, body any) testenv.Response {
	e.t.Helper()
	return testenv.Call(e.t, e.base, method, path, token, body)
}

// post uploads content to a presigned POST as a browser form would.
func post(t *testing.T, upload map[string]any, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range upload["fields"].(map[string]any) {
		if err := w.WriteField(k, v.(string)); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	w.Close()
	res, err := http.Post(upload["url"].(string), w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// pdf is n bytes that start as a PDF does.
func pdf(n int) []byte {
	b := make([]byte, n-9)
	_, _ = rand.Read(b)
	return append([]byte("%PDF-1.7\n"), b...)
}

// publish uploads content as a document through the API and MinIO and
// completes it, returning the document's id.
func (e *env) publish(title, category, program string, content []byte) string {
	e.t.Helper()
	r := e.call("POST", "/v1/library", e.admin, map[string]any{"title": title, "category": category, "program": program,
		"fileName": "document.pdf", "size": len(content)})
	if r.Status != 201 {
		e.t.Fatalf("start %q = %d %s", title, r.Status, r.Body)
	}
	id := r.JSON()["id"].(string)
	if status, body := post(e.t, r.JSON()["upload"].(map[string]any), content); status != 204 {
		e.t.Fatalf("upload %q = %d %s", title, status, body)
	}
	if r := e.call("POST", "/v1/library/"+id+"/complete", e.admin, nil); r.Status != 200 {
		e.t.Fatalf("complete %q = %d %s", title, r.Status, r.Body)
	}
	return id
}

// titles lists the library as an anonymous client, with a query.
func (e *env) titles(query string) []string {
	e.t.Helper()
	r := e.call("GET", "/v1/library"+query, "", nil)
	if r.Status != 200 {
		e.t.Fatalf("GET /v1/library%s = %d %s", query, r.Status, r.Body)
	}
	var out []string
	for _, d := range r.JSON()["documents"].([]any) {
		out = append(out, d.(map[string]any)["title"].(string))
	}
	return out
}

// TestLibraryJourney: an admin uploads a PDF straight to MinIO through the
// presigned POST and completes it; an anonymous client lists the library
// and downloads the very bytes through the short-lived link; the admin
// deletes it and it is gone from the list, the link and the bucket.
func TestLibraryJourney(t *testing.T) {
	e := newEnv(t)
	content := pdf(7000)
	r := e.call("POST", "/v1/library", e.admin, map[string]any{"title": "  Minimum Security  Criteria — Importers ",
		"category": "security_criteria", "program": "ctpat_security", "fileName": "MSC Importers.pdf", "size": len(content)})
	if r.Status != 201 {
		t.Fatalf("start = %d %s", r.Status, r.Body)
	}
	id := r.JSON()["id"].(string)
	upload := r.JSON()["upload"].(map[string]any)
	if key := upload["fields"].(map[string]any)["key"]; key != "library/"+id {
		t.Errorf("object key = %q; want library/<id>, from the id alone", key)
	}
	if titles := e.titles(""); len(titles) != 0 {
		t.Errorf("library before completion = %v; want nothing (pending documents are not listed)", titles)
	}
	if r := e.call("POST", "/v1/library/"+id+"/complete", e.admin, nil); r.Status != 409 || r.Code() != "upload_missing" {
		t.Errorf("complete before uploading = %d %s; want 409 upload_missing", r.Status, r.Body)
	}
	if status, body := post(t, upload, append(content, content...)); status != 400 || !strings.Contains(body, "EntityTooLarge") {
		t.Errorf("upload larger than declared = %d %.200s; want MinIO's 400 EntityTooLarge", status, body)
	}
	if status, body := post(t, upload, content); status != 204 {
		t.Fatalf("upload = %d %s", status, body)
	}
	doc := e.call("POST", "/v1/library/"+id+"/complete", e.admin, nil)
	if doc.Status != 200 || doc.JSON()["status"] != "published" || doc.JSON()["title"] != "Minimum Security Criteria — Importers" {
		t.Fatalf("complete = %d %s", doc.Status, doc.Body)
	}
	if r := e.call("POST", "/v1/library/"+id+"/complete", e.admin, nil); r.Status != 409 {
		t.Errorf("complete twice = %d; want 409", r.Status)
	}

	// Anyone lists and downloads it, without a session.
	list := e.call("GET", "/v1/library", "", nil).JSON()["documents"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != id || list[0].(map[string]any)["fileName"] != "MSC Importers.pdf" ||
		list[0].(map[string]any)["size"].(float64) != float64(len(content)) {
		t.Fatalf("anonymous list = %v", list)
	}
	link := e.call("GET", "/v1/library/"+id, "", nil)
	if link.Status != 200 {
		t.Fatalf("anonymous download link = %d %s", link.Status, link.Body)
	}
	res, err := http.Get(link.JSON()["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, content) {
		t.Errorf("download = %d, %d bytes; want the %d uploaded", res.StatusCode, len(got), len(content))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="MSC Importers.pdf"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}

	// The admin deletes it: gone from the list, the link and the bucket (the
	// checked version itself, not hidden behind a delete marker).
	var stored struct {
		VersionID string `dynamodbav:"versionId"`
	}
	if _, err := e.d.Store.Get(context.Background(), store.Key{PK: "LIBRARY", SK: id}, &stored); err != nil || stored.VersionID == "" {
		t.Fatalf("stored document = %+v, %v; want the checked version", stored, err)
	}
	if r := e.call("DELETE", "/v1/library/"+id, e.partner, nil); r.Status != 403 {
		t.Errorf("a partner deletes = %d; want 403", r.Status)
	}
	if r := e.call("DELETE", "/v1/library/"+id, e.admin, nil); r.Status != 204 {
		t.Fatalf("delete = %d %s", r.Status, r.Body)
	}
	if titles := e.titles(""); len(titles) != 0 {
		t.Errorf("library after deletion = %v", titles)
	}
	if r := e.call("GET", "/v1/library/"+id, "", nil); r.Status != 404 || r.Code() != "document_not_found" {
		t.Errorf("download after deletion = %d %s; want 404", r.Status, r.Body)
	}
	if r := e.call("DELETE", "/v1/library/"+id, e.admin, nil); r.Status != 404 {
		t.Errorf("delete twice = %d; want 404", r.Status)
	}
	if _, err := e.d.S3.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(e.d.Config.BucketName),
		Key: aws.String("library/" + id), VersionId: aws.String(stored.VersionID)}); err == nil {
		t.Errorf("the deleted document's version is still readable")
	}
	if _, err := e.d.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(e.d.Config.BucketName),
		Key: aws.String("library/" + id)}); err == nil {
		t.Errorf("the deleted document's object is still in the bucket")
	}
	audit, err := e.d.Audit.ForUser(context.Background(), e.adminID, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range audit.Events {
		actions = append(actions, ev.Action)
	}
	for _, want := range []string{"library_upload_started", "library_document_published", "library_document_deleted"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit of the admin = %v; want %s", actions, want)
		}
	}
}

// TestLibraryFilters: the list filters by category and by programme (a
// document for every programme is listed under each), newest first.
func TestLibraryFilters(t *testing.T) {
	e := newEnv(t)
	e.publish("Security form", "forms", "ctpat_security", pdf(100))
	e.publish("Compliance guide", "guidance", "ctpat_trade_compliance", pdf(100))
	e.publish("Programme bulletin", "bulletin", "", pdf(100))
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"", []string{"Programme bulletin", "Compliance guide", "Security form"}},
		{"?category=forms", []string{"Security form"}},
		{"?program=ctpat_security", []string{"Programme bulletin", "Security form"}},
		{"?program=ctpat_trade_compliance&category=guidance", []string{"Compliance guide"}},
		{"?category=training", nil},
	} {
		if got := e.titles(c.query); !slices.Equal(got, c.want) {
			t.Errorf("GET /v1/library%s = %v; want %v", c.query, got, c.want)
		}
	}
	r := e.call("GET", "/v1/library?category=secret&program=ctpat", "", nil)
	if r.Status != 400 || len(r.JSON()["error"].(map[string]any)["details"].([]any)) != 2 {
		t.Errorf("bad filters = %d %s; want 400 naming category and program", r.Status, r.Body)
	}
}

// TestLibraryRefuses: bad requests are 4xx naming every wrong field and store
// nothing; only admins publish; a file that is not a PDF is refused at
// completion and removed from the bucket.
func TestLibraryRefuses(t *testing.T) {
	e := newEnv(t)
	good := map[string]any{"title": "Guide", "category": "guidance", "fileName": "guide.pdf", "size": 100}
	if r := e.call("POST", "/v1/library", "", good); r.Status != 401 {
		t.Errorf("anonymous upload = %d; want 401", r.Status)
	}
	if r := e.call("POST", "/v1/library", e.partner, good); r.Status != 403 {
		t.Errorf("partner upload = %d; want 403", r.Status)
	}
	r := e.call("POST", "/v1/library", e.admin, map[string]any{"title": "\u202eevil", "category": "secrets", "program": "nope",
		"fileName": "../guide.exe", "size": 0})
	var fields []string
	for _, d := range r.JSON()["error"].(map[string]any)["details"].([]any) {
		fields = append(fields, d.(map[string]any)["field"].(string))
	}
	if r.Status != 400 || !slices.Equal(fields, []string{"title", "category", "program", "fileName", "size"}) {
		t.Errorf("bad upload = %d %s; want 400 naming title, category, program, fileName, size", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/library", e.admin, map[string]any{"title": "Sheet", "category": "forms", "fileName": "sheet.xlsx",
		"contentType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "size": 100}); r.Status != 415 {
		t.Errorf("a spreadsheet = %d %s; want 415", r.Status, r.Body)
	}
	var items []store.Key
	if err := e.d.Store.Query(context.Background(), "", store.KeyOnly(store.AttrPK, "LIBRARY"), true, &items); err != nil || len(items) != 0 {
		t.Errorf("library items after refused requests = %v, %v; want none", items, err)
	}

	// Bytes that are not a PDF, declared as one: refused and deleted.
	fake := append([]byte("MZ"), pdf(200)...)
	r = e.call("POST", "/v1/library", e.admin, map[string]any{"title": "Fake", "category": "forms", "fileName": "fake.pdf", "size": len(fake)})
	id := r.JSON()["id"].(string)
	if status, body := post(t, r.JSON()["upload"].(map[string]any), fake); status != 204 {
		t.Fatalf("upload = %d %s", status, body)
	}
	if r := e.call("POST", "/v1/library/"+id+"/complete", e.admin, nil); r.Status != 422 || r.Code() != "content_mismatch" {
		t.Errorf("complete a fake PDF = %d %s; want 422 content_mismatch", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/library/"+id, "", nil); r.Status != 404 {
		t.Errorf("download of the refused file = %d; want 404", r.Status)
	}
	if _, err := e.d.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(e.d.Config.BucketName),
		Key: aws.String("library/" + id)}); err == nil {
		t.Errorf("the refused file is still in the bucket")
	}
	if titles := e.titles(""); len(titles) != 0 {
		t.Errorf("library = %v; want nothing published", titles)
	}
}

// TestLibraryPolicy: only the profiles function may touch library/ objects,
// only under that prefix, with no bucket listing and no wildcard action.
func TestLibraryPolicy(t *testing.T) {
	tpl, err := testenv.Template()
	if err != nil {
		t.Fatal(err)
	}
	fns, err := tpl.Functions()
	if err != nil {
		t.Fatal(err)
	}
	const objects = "${EvidenceBucket.Arn}/library/*"
	var granted []string
	for _, f := range fns {
		for _, s := range f.Statements {
			if !slices.Contains(s.Resource, objects) {
				continue
			}
			if f.LogicalID != "ProfilesFunction" || s.Effect != "Allow" || len(s.Resource) != 1 || len(s.Condition) != 0 {
				t.Errorf("%s: statement %+v on the library; want the profiles function's, on library/* alone", f.LogicalID, s)
			}
			granted = append(granted, s.Action...)
		}
	}
	slices.Sort(granted)
	want := []string{"s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"}
	if !slices.Equal(granted, want) {
		t.Errorf("actions on the library = %v; want %v", granted, want)
	}
}
