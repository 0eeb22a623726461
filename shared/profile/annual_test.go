package profile_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/store"
)

func (e *env) approveAll(t *testing.T) {
	t.Helper()
	for id, c := range e.profile(e.scss) {
		if id != "" && c["review"].(map[string]any)["state"] == "pending" {
			e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/"+id+"/review", e.scss, map[string]string{"decision": "approve"}), 200)
		}
	}
}

func (e *env) dueDate(t *testing.T) (string, string) {
	t.Helper()
	var a account.Account
	if _, err := e.d.Store.Get(context.Background(), store.Key{PK: "ACCOUNT#" + e.account, SK: "ACCOUNT"}, &a); err != nil {
		t.Fatal(err)
	}
	return a.ReviewDueDate, a.GSI3PK
}

// pdfText downloads a document and returns its text (pdftotext, from
// poppler-utils, which make test installs).
func pdfText(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(string(b), "%PDF-") {
		t.Fatalf("document download = %d, %.20q", res.StatusCode, b)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestAnnualReviewAndDocuments: approval files a PDF of the cycle; the
// annual review starts from the approved answers, shows what changed, and
// its approval moves the due date (and its index) on a year.
func TestAnnualReviewAndDocuments(t *testing.T) {
	e := newEnv(t)
	// One evidence file, so the PDF names it.
	r := e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.2/evidence", e.user,
		map[string]any{"fileName": "board-minutes.pdf", "contentType": "application/pdf", "size": 10}), 201).JSON()
	if status, body := post(t, r["upload"].(map[string]any), "", []byte("%PDF-1.4 x")); status != 204 {
		t.Fatalf("upload = %d %s", status, body)
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/vision.2/evidence/"+r["evidenceId"].(string)+"/complete", e.user, nil), 200)
	if r := e.call("POST", "/v1/accounts/"+e.account+"/annual-reviews", e.user, nil); r.Status != 409 {
		t.Errorf("annual review before the first approval = %d; want 409", r.Status)
	}
	answerAllAndSubmit(t, e)
	e.approveAll(t)
	if due, key := e.dueDate(t); due != "2027-05-31" || key != "DUE#2027-05-31" {
		t.Errorf("after the first approval the due date is %s (%s); want it unchanged", due, key)
	}
	docs := e.must(e.call("GET", "/v1/accounts/"+e.account+"/documents", e.user, nil), 200).JSON()["documents"].([]any)
	if len(docs) != 1 {
		t.Fatalf("documents = %v; want the first cycle's", docs)
	}
	text := pdfText(t, docs[0].(map[string]any)["url"].(string))
	for _, want := range []string{"Security profile: Profile Imports", "review cycle 1", "vision.1", "A named owner for supply-chain security",
		"Narrative for vision.1", "Evidence: board-minutes.pdf"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%.600s", want, text)
		}
	}

	// The annual review: a draft from the approved answers.
	open := e.must(e.call("POST", "/v1/accounts/"+e.account+"/annual-reviews", e.user, nil), 201).JSON()
	if open["cycle"].(float64) != 2 {
		t.Errorf("opened cycle %v; want 2", open["cycle"])
	}
	if r := e.call("POST", "/v1/accounts/"+e.account+"/annual-reviews", e.owner, nil); r.Status != 409 {
		t.Errorf("opening twice = %d; want 409", r.Status)
	}
	p := e.profile(e.user)
	if p[""]["status"] != "draft" || p[""]["cycle"].(float64) != 2 {
		t.Errorf("profile after opening = %v", p[""])
	}
	v2 := p["vision.2"]
	d := v2["draft"].(map[string]any)
	if d["answer"] != "yes" || d["narrative"] != "Narrative for vision.2" || len(d["evidence"].([]any)) != 1 || v2["changed"] != false {
		t.Errorf("vision.2 draft in the annual review = %v (changed %v); want the approved answer and evidence", d, v2["changed"])
	}
	e.must(e.save(e.user, "vision.1", "no", version(p["vision.1"])), 200)
	if c := e.profile(e.user)["vision.1"]; c["changed"] != true {
		t.Errorf("an edited answer is not shown as changed: %v", c)
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.user, nil), 202)
	e.approveAll(t)
	due, key := e.dueDate(t)
	if due != "2028-05-31" || key != "DUE#2028-05-31" {
		t.Errorf("after the annual review the due date is %s (%s); want 2028-05-31", due, key)
	}
	var dueAccounts []account.Account
	if err := e.d.Store.Query(context.Background(), "GSI3", store.KeyOnly("GSI3PK", "DUE#2028-05-31"), true, &dueAccounts); err != nil ||
		len(dueAccounts) != 1 || dueAccounts[0].ID != e.account {
		t.Errorf("due-date index for 2028-05-31 = %v, %v; want the account", dueAccounts, err)
	}
	docs = e.must(e.call("GET", "/v1/accounts/"+e.account+"/documents", e.owner, nil), 200).JSON()["documents"].([]any)
	if len(docs) != 2 || docs[0].(map[string]any)["cycle"].(float64) != 2 {
		t.Fatalf("documents = %v; want two, newest first", docs)
	}
	if text := pdfText(t, docs[0].(map[string]any)["url"].(string)); !strings.Contains(text, "review cycle 2") || !strings.Contains(text, "Answer: no") {
		t.Errorf("second PDF:\n%.600s", text)
	}
	if r := e.call("GET", "/v1/accounts/"+e.account+"/documents", e.peer, nil); r.Status != 404 {
		t.Errorf("another organisation lists documents = %d; want 404", r.Status)
	}
}
