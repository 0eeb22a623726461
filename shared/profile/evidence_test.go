package profile_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// post uploads content to a presigned POST as a browser form would: the
// fields, then the file.
func post(t testing.TB, upload map[string]any, contentType string, content []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range upload["fields"].(map[string]any) {
		if k == "Content-Type" && contentType != "" {
			v = contentType
		}
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

func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// pdf is n bytes that start as a PDF does.
func pdf(n int) []byte { return append([]byte("%PDF-1.7\n"), random(n-9)...) }

// TestEvidenceThroughS3 uploads evidence straight to MinIO through the
// presigned POST, with the size and type conditions enforced by MinIO itself.
func TestEvidenceThroughS3(t *testing.T) {
	e := newEnv(t)
	base := "/v1/accounts/" + e.account + "/profile/criteria/vision.1/evidence"
	start := func(name, ct string, size int) (map[string]any, int) {
		r := e.call("POST", base, e.user, map[string]any{"fileName": name, "contentType": ct, "size": size})
		return r.JSON(), r.Status
	}

	// Refused before any URL is made.
	for _, bad := range []struct {
		name, ct string
		size     int
		status   int
	}{
		{"setup.exe", "application/pdf", 100, 400},
		{"tool.bin", "application/x-msdownload", 100, 415},
		{"notes.html", "text/html", 100, 415},
		{"empty.pdf", "application/pdf", 0, 400},
		{"huge.pdf", "application/pdf", 26 << 20, 400},
		{"../../etc/passwd", "text/plain", 10, 400},
	} {
		if _, status := start(bad.name, bad.ct, bad.size); status != bad.status {
			t.Errorf("start %s (%s, %d bytes) = %d; want %d", bad.name, bad.ct, bad.size, status, bad.status)
		}
	}

	// A real upload: presigned POST to MinIO, complete, download the same bytes.
	content := pdf(5000)
	got, status := start("Security Policy \"v2\".pdf", "application/pdf", len(content))
	if status != 201 {
		t.Fatalf("start upload = %d %v", status, got)
	}
	id := got["evidenceId"].(string)
	upload := got["upload"].(map[string]any)
	key := upload["fields"].(map[string]any)["key"].(string)
	if key != "evidence/"+e.account+"/vision.1/"+id || strings.Contains(key, "Policy") {
		t.Errorf("object key %q; want one built from ids only", key)
	}
	if r := e.call("POST", base+"/"+id+"/complete", e.user, nil); r.Status != 409 || r.Code() != "upload_missing" {
		t.Errorf("complete before uploading = %d %s; want 409 upload_missing", r.Status, r.Body)
	}
	if status, body := post(t, upload, "text/plain", content); status != 403 {
		t.Errorf("upload with another content type = %d %s; want 403 from MinIO's policy check", status, body)
	}
	if status, body := post(t, upload, "", append(content, content...)); status != 400 || !strings.Contains(body, "EntityTooLarge") {
		t.Errorf("upload larger than declared = %d %.200s; want MinIO's 400 EntityTooLarge", status, body)
	}
	if status, body := post(t, upload, "", content); status != 204 {
		t.Fatalf("upload = %d %s; want 204", status, body)
	}
	ref := e.must(e.call("POST", base+"/"+id+"/complete", e.user, nil), 200).JSON()
	if ref["id"] != id || ref["size"].(float64) != float64(len(content)) {
		t.Errorf("completed evidence = %v", ref)
	}
	draft := e.profile(e.user)["vision.1"]["draft"].(map[string]any)
	if ev := draft["evidence"].([]any); len(ev) != 1 || ev[0].(map[string]any)["fileName"] != `Security Policy "v2".pdf` {
		t.Errorf("draft evidence = %v", draft["evidence"])
	}
	link := e.must(e.call("GET", base+"/"+id, e.scss, nil), 200).JSON()["url"].(string)
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	downloaded, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(downloaded, content) {
		t.Errorf("download = %d, %d bytes; want the %d uploaded", res.StatusCode, len(downloaded), len(content))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="Security Policy _v2_.pdf"`) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if r := e.call("GET", base+"/"+id, e.peer, nil); r.Status != 404 {
		t.Errorf("another organisation downloads = %d; want 404", r.Status)
	}

	// A second file, then deleted: gone from the draft and from the bucket.
	second := []byte("Minutes of the security committee, 3 March.\n")
	got, _ = start("minutes.txt", "text/plain", len(second))
	id2 := got["evidenceId"].(string)
	if status, body := post(t, got["upload"].(map[string]any), "", second); status != 204 {
		t.Fatalf("second upload = %d %s", status, body)
	}
	e.must(e.call("POST", base+"/"+id2+"/complete", e.user, nil), 200)
	key2 := got["upload"].(map[string]any)["fields"].(map[string]any)["key"].(string)
	e.must(e.call("DELETE", base+"/"+id2, e.user, nil), 204)
	if r := e.call("GET", base+"/"+id2, e.user, nil); r.Status != 404 {
		t.Errorf("deleted evidence = %d; want 404", r.Status)
	}
	if _, err := e.d.S3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(e.d.Config.BucketName), Key: aws.String(key2)}); err == nil {
		t.Errorf("the deleted file is still in the bucket")
	}

	// Approved evidence stays: it is part of the version.
	answerAllAndSubmit(t, e)
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/review", e.scss, map[string]string{"decision": "approve"}), 200)
	vs := e.must(e.call("GET", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/versions", e.user, nil), 200).JSON()["versions"].([]any)
	if ev := vs[0].(map[string]any)["evidence"].([]any); len(ev) != 1 || ev[0].(map[string]any)["id"] != id {
		t.Errorf("approved version's evidence = %v", ev)
	}
}

func answerAllAndSubmit(t *testing.T, e *env) {
	t.Helper()
	p := e.profile(e.user)
	for id, c := range p {
		if id == "" || c["required"] != true {
			continue
		}
		e.must(e.save(e.user, id, "yes", version(c)), 200)
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.user, nil), 202)
}

func postTB(t testing.TB, upload map[string]any, content []byte) (int, string) {
	return post(t, upload, "", content)
}
