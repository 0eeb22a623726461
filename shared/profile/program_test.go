package profile_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/profile"
	"github.com/partner-portal/portal/shared/store"
)

const tc = criteria.TradeCompliance

// in adds the programme to a profile path's query.
func in(program, path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + "program=" + url.QueryEscape(program)
}

// profileOf is e.profile for a programme's profile.
func (e *env) profileOf(program, token string) map[string]map[string]any {
	e.t.Helper()
	v := e.must(e.call("GET", in(program, "/v1/accounts/"+e.account+"/profile"), token, nil), 200).JSON()
	if v["program"] != program {
		e.t.Fatalf("GET profile?program=%s answered the profile of %v", program, v["program"])
	}
	out := map[string]map[string]any{"": {"status": v["status"], "cycle": v["cycle"]}}
	for _, c := range v["criteria"].([]any) {
		m := c.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

func (e *env) saveIn(program, token, id, answer string, version int) testenv.Response {
	e.t.Helper()
	return e.call("PUT", in(program, "/v1/accounts/"+e.account+"/profile/criteria/"+id), token,
		map[string]any{"answer": answer, "narrative": "Narrative for " + id + " in " + program, "version": version})
}

func (e *env) reviewIn(program, token, id, decision, comment string) testenv.Response {
	e.t.Helper()
	return e.call("POST", in(program, "/v1/accounts/"+e.account+"/profile/criteria/"+id+"/review"), token,
		map[string]string{"decision": decision, "comment": comment})
}

// answerRequired answers every required criterion of the programme's
// profile that is not answered yet.
func (e *env) answerRequired(program string) {
	e.t.Helper()
	for id, c := range e.profileOf(program, e.user) {
		if id != "" && c["required"] == true && c["draft"].(map[string]any)["answer"] == "" {
			e.must(e.saveIn(program, e.user, id, "yes", version(c)), 200)
		}
	}
}

// approvePending approves every criterion of the programme's profile that
// waits for review.
func (e *env) approvePending(program string) {
	e.t.Helper()
	for id, c := range e.profileOf(program, e.scss) {
		if id != "" && c["review"].(map[string]any)["state"] == "pending" {
			e.must(e.reviewIn(program, e.scss, id, "approve", ""), 200)
		}
	}
}

// queued returns the queue entries of the account a principal sees in a
// programme's review queue (the default queue when program is "").
func (e *env) queued(token, program string) []map[string]any {
	e.t.Helper()
	path := "/v1/reviews?status=submitted"
	if program != "" {
		path = in(program, path)
	}
	var out []map[string]any
	for _, q := range e.must(e.call("GET", path, token, nil), 200).JSON()["reviews"].([]any) {
		if entry := q.(map[string]any); entry["accountId"] == e.account {
			out = append(out, entry)
		}
	}
	return out
}

func (e *env) item(sk string) map[string]any {
	e.t.Helper()
	var it map[string]any
	found, err := e.d.Store.Get(context.Background(), store.Key{PK: "ACCOUNT#" + e.account, SK: sk}, &it)
	if err != nil {
		e.t.Fatal(err)
	}
	if !found {
		return nil
	}
	return it
}

// TestTwoProgrammesTwoProfiles: an account in CTPAT Security and CTPAT
// Trade Compliance has one profile per programme. The Trade Compliance one
// answers its own questionnaire, with its own evidence, submission, queue
// entry, review, versions and document; the security one, at the paths and
// keys it always had, moves independently of it.
func TestTwoProgrammesTwoProfiles(t *testing.T) {
	e := newEnv(t)
	q, _ := criteria.Of(tc)
	importer := q.ForEntityType("importer")

	// Two questionnaires side by side; the default is the security one.
	tcp := e.profileOf(tc, e.user)
	if tcp[""]["status"] != "draft" || len(tcp) != len(importer)+1 || tcp["classification.1"] == nil || tcp["vision.1"] != nil {
		t.Fatalf("Trade Compliance profile: status %v, %d criteria; want draft and the %d of its own questionnaire", tcp[""]["status"], len(tcp)-1, len(importer))
	}
	if c := tcp["classification.1"]; c["category"] != "classification" || c["helpText"] == "" || c["required"] != true {
		t.Errorf("classification.1 = %v", c)
	}
	if v := e.must(e.call("GET", "/v1/accounts/"+e.account+"/profile", e.user, nil), 200).JSON(); v["program"] != criteria.Security {
		t.Errorf("GET profile without a programme answered %v; want the security profile", v["program"])
	}
	if sp := e.profileOf(criteria.Security, e.user); sp["classification.1"] != nil || sp["vision.1"] == nil {
		t.Errorf("the security profile shows another questionnaire")
	}
	crit := e.must(e.call("GET", in(tc, "/v1/criteria?entityType=customs_broker"), e.user, nil), 200).JSON()
	if len(crit["categories"].([]any)) != len(q.Categories) || len(crit["criteria"].([]any)) != len(q.ForEntityType("customs_broker")) {
		t.Errorf("GET /v1/criteria?program=%s = %d categories, %d criteria", tc, len(crit["categories"].([]any)), len(crit["criteria"].([]any)))
	}

	// Answers of one programme are not the other's.
	e.must(e.saveIn(tc, e.user, "classification.1", "yes", 0), 200)
	if r := e.saveIn(tc, e.user, "vision.1", "yes", 0); r.Status != 404 || r.Code() != "criterion_not_found" {
		t.Errorf("a security criterion saved in the Trade Compliance profile = %d %s; want 404 criterion_not_found", r.Status, r.Body)
	}
	if r := e.save(e.user, "classification.1", "yes", 0); r.Status != 404 {
		t.Errorf("a Trade Compliance criterion saved in the security profile = %d; want 404", r.Status)
	}
	e.must(e.save(e.user, "vision.1", "no", 0), 200)
	if it := e.item("PROGRAM#" + tc + "#CRIT#classification.1"); it == nil || it["criterionId"] != "classification.1" {
		t.Errorf("the Trade Compliance answer is not stored under its programme's key: %v", it)
	}
	if it := e.item("CRIT#vision.1"); it == nil || it["draft"].(map[string]any)["answer"] != "no" {
		t.Errorf("the security answer is not where it always was: %v", it)
	}
	if it := e.item("CRIT#classification.1"); it != nil {
		t.Errorf("a Trade Compliance answer was stored under the security keys: %v", it)
	}

	// Evidence of a Trade Compliance criterion: its own item and object key.
	r := e.must(e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/criteria/classification.1/evidence"), e.user,
		map[string]any{"fileName": "tariff-decisions.pdf", "contentType": "application/pdf", "size": 64}), 201).JSON()
	up, evID := r["upload"].(map[string]any), r["evidenceId"].(string)
	if key := up["fields"].(map[string]any)["key"].(string); key != "evidence/"+e.account+"/"+tc+"/classification.1/"+evID {
		t.Errorf("object key %q; want it under the programme", key)
	}
	content := pdf(64)
	if status, body := post(t, up, "", content); status != 204 {
		t.Fatalf("upload = %d %s", status, body)
	}
	evPath := "/v1/accounts/" + e.account + "/profile/criteria/classification.1/evidence/" + evID
	e.must(e.call("POST", in(tc, evPath+"/complete"), e.user, nil), 200)
	if r := e.call("GET", evPath, e.user, nil); r.Status != 404 {
		t.Errorf("the Trade Compliance file read through the security profile = %d; want 404", r.Status)
	}
	e.must(e.call("GET", in(tc, evPath), e.scss, nil), 200)
	if d := e.profileOf(tc, e.user)["classification.1"]["draft"].(map[string]any); len(d["evidence"].([]any)) != 1 {
		t.Errorf("draft evidence = %v; want the completed file", d["evidence"])
	}

	// Submitting the Trade Compliance profile names its own gaps.
	r2 := e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil)
	if r2.Status != 422 || r2.Code() != "missing_answers" || !strings.Contains(string(r2.Body), `"field":"controls.1"`) || strings.Contains(string(r2.Body), "vision.") {
		t.Fatalf("Trade Compliance submit with gaps = %d %.300s; want 422 naming controls.1 and no security criterion", r2.Status, r2.Body)
	}
	e.answerRequired(tc)
	if got := e.must(e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/submit"), e.owner, nil), 202).JSON(); got["program"] != tc {
		t.Errorf("submit answered %v", got)
	}
	if tcs, ss := e.profileOf(tc, e.user)[""]["status"], e.profileOf(criteria.Security, e.user)[""]["status"]; tcs != "submitted" || ss != "draft" {
		t.Errorf("after the Trade Compliance submission: its status %v, security's %v; want submitted and draft", tcs, ss)
	}
	if r := e.saveIn(tc, e.user, "classification.1", "no", 2); r.Status != 409 || r.Code() != "under_review" {
		t.Errorf("Trade Compliance edit under review = %d %s; want 409 under_review", r.Status, r.Body)
	}
	e.must(e.save(e.user, "vision.1", "yes", 1), 200) // the security profile stays editable
	if mails := testenv.WaitMails(t, e.scssEmail, 1); len(mails) != 1 || !strings.Contains(mails[0].Subject, "Trade Compliance profile submitted: Profile Imports") {
		t.Errorf("specialist's mails = %+v; want the Trade Compliance submission", mails)
	}
	if st := e.item("PROFILESTATE#" + tc); st == nil || st["profileStatus"] != "submitted" || st["GSI2PK"] == nil {
		t.Errorf("Trade Compliance profile state = %v", st)
	}
	if acc := e.item("ACCOUNT"); acc["profileStatus"] != nil || acc["GSI1PK"] != nil {
		t.Errorf("the account item (the security profile's state) moved: status %v, queue %v", acc["profileStatus"], acc["GSI1PK"])
	}

	// The queues say which programme's profile waits.
	for _, who := range []struct {
		name, token string
		want        int
	}{{"assigned specialist", e.scss, 1}, {"admin", e.admin, 1}, {"another specialist", e.otherSCSS, 0}} {
		got := e.queued(who.token, tc)
		if len(got) != who.want || who.want == 1 && (got[0]["program"] != tc || got[0]["name"] != "Profile Imports" || got[0]["submittedAt"] == nil) {
			t.Errorf("%s's Trade Compliance queue = %v; want %d entry naming the programme", who.name, got, who.want)
		}
		if got := e.queued(who.token, ""); len(got) != 0 {
			t.Errorf("%s's security queue = %v; want nothing: only the Trade Compliance profile was submitted", who.name, got)
		}
	}

	// The security profile is submitted beside it.
	e.answerRequired(criteria.Security)
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.user, nil), 202)
	if got := e.queued(e.scss, ""); len(got) != 1 || got[0]["program"] != criteria.Security {
		t.Errorf("security queue = %v; want the account, naming ctpat_security", got)
	}

	// The specialist reviews both, independently: Trade Compliance returned,
	// security approved.
	if r := e.reviewIn(tc, e.scss, "vision.1", "approve", ""); r.Status != 404 {
		t.Errorf("a security criterion reviewed in the Trade Compliance profile = %d; want 404", r.Status)
	}
	if r := e.reviewIn(tc, e.owner, "classification.1", "approve", ""); r.Status != 403 {
		t.Errorf("a partner reviews = %d; want 403", r.Status)
	}
	e.must(e.reviewIn(tc, e.scss, "valuation.1", "return", "Show how a difference is investigated."), 200)
	e.approvePending(tc)
	e.approvePending(criteria.Security)
	tcp, sp := e.profileOf(tc, e.owner), e.profileOf(criteria.Security, e.owner)
	if tcp[""]["status"] != "returned" || sp[""]["status"] != "approved" {
		t.Fatalf("after the reviews: Trade Compliance %v, security %v; want returned and approved", tcp[""]["status"], sp[""]["status"])
	}
	if rv := tcp["valuation.1"]["review"].(map[string]any); rv["comment"] != "Show how a difference is investigated." {
		t.Errorf("valuation.1 review = %v", rv)
	}
	if a := tcp["classification.1"]["approved"].(map[string]any); a["answer"] != "yes" || len(a["evidence"].([]any)) != 1 {
		t.Errorf("approved classification.1 = %v; want the answer and its file", a)
	}
	if len(e.queued(e.scss, tc)) != 0 || len(e.queued(e.scss, "")) != 0 {
		t.Errorf("decided profiles are still queued")
	}
	outcomes := testenv.WaitMails(t, e.ownerEmail, 2)
	var subjects []string
	for _, m := range outcomes {
		subjects = append(subjects, m.Subject)
	}
	if !slices.Contains(subjects, "Trade Compliance profile review of Profile Imports: returned") ||
		!slices.Contains(subjects, "Security profile review of Profile Imports: approved") {
		t.Errorf("owner's outcome mails = %q; want one per programme", subjects)
	}

	// The returned criterion is fixed and the Trade Compliance profile
	// approved in its turn; each programme keeps its own versions and PDF.
	e.must(e.saveIn(tc, e.user, "valuation.1", "yes", version(tcp["valuation.1"])), 200)
	e.must(e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil), 202)
	if p := e.profileOf(tc, e.scss); p["valuation.1"]["review"].(map[string]any)["state"] != "pending" || p["classification.1"]["review"].(map[string]any)["state"] != "approved" {
		t.Errorf("resubmitted: the fixed criterion waits, the approved ones stay approved")
	}
	e.approvePending(tc)
	if st := e.profileOf(tc, e.owner)[""]["status"]; st != "approved" {
		t.Errorf("Trade Compliance status = %v; want approved", st)
	}
	vs := e.must(e.call("GET", in(tc, "/v1/accounts/"+e.account+"/profile/criteria/valuation.1/versions"), e.user, nil), 200).JSON()["versions"].([]any)
	if len(vs) != 1 || vs[0].(map[string]any)["narrative"] != "Narrative for valuation.1 in "+tc {
		t.Errorf("Trade Compliance versions of valuation.1 = %v", vs)
	}
	if it := e.item("PROGRAM#" + tc + "#VERSION#valuation.1#000001"); it == nil {
		t.Errorf("the approved version is not stored under its programme's key")
	}
	docs := e.must(e.call("GET", in(tc, "/v1/accounts/"+e.account+"/documents"), e.owner, nil), 200).JSON()["documents"].([]any)
	secDocs := e.must(e.call("GET", "/v1/accounts/"+e.account+"/documents", e.owner, nil), 200).JSON()["documents"].([]any)
	if len(docs) != 1 || len(secDocs) != 1 {
		t.Fatalf("documents: Trade Compliance %d, security %d; want one each", len(docs), len(secDocs))
	}
	text := pdfText(t, docs[0].(map[string]any)["url"].(string))
	for _, want := range []string{"Trade Compliance profile: Profile Imports", "classification.1", "Evidence: tariff-decisions.pdf"} {
		if !strings.Contains(text, want) {
			t.Errorf("Trade Compliance PDF lacks %q:\n%.600s", want, text)
		}
	}
	if text := pdfText(t, secDocs[0].(map[string]any)["url"].(string)); !strings.Contains(text, "Security profile: Profile Imports") || strings.Contains(text, "classification.1") {
		t.Errorf("security PDF:\n%.600s", text)
	}

	// Every Trade Compliance action is audited with its programme.
	page, err := e.d.Audit.ForAccount(context.Background(), e.account, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	submitted := map[string]int{}
	for _, ev := range page.Events {
		if ev.Action == audit.ProfileSubmitted {
			submitted[ev.Details["program"]]++
		}
	}
	if submitted[tc] != 2 || submitted[criteria.Security] != 1 {
		t.Errorf("submission events by programme = %v; want 2 Trade Compliance and 1 security", submitted)
	}
}

// TestProfileOfAProgrammeNotJoined: an account answers only the
// questionnaires of its programmes: another programme's profile is 404
// profile_not_found for its members and staff, and 404 account_not_found,
// as ever, for everyone else.
func TestProfileOfAProgrammeNotJoined(t *testing.T) {
	e := newEnv(t)
	peerAcc := "/v1/accounts/peer-" + e.account // the peer's account is in CTPAT Security only
	for _, c := range []struct{ method, path string }{
		{"GET", peerAcc + "/profile"},
		{"PUT", peerAcc + "/profile/criteria/controls.1"},
		{"POST", peerAcc + "/profile/submit"},
		{"GET", peerAcc + "/profile/criteria/controls.1/versions"},
		{"POST", peerAcc + "/profile/criteria/controls.1/evidence"},
		{"POST", peerAcc + "/annual-reviews"},
		{"GET", peerAcc + "/documents"},
	} {
		var body any
		switch {
		case c.method == "PUT":
			body = map[string]any{"answer": "yes", "narrative": "x", "version": 0}
		case strings.HasSuffix(c.path, "/evidence"):
			body = map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 10}
		}
		if r := e.call(c.method, in(tc, c.path), e.peer, body); r.Status != 404 || r.Code() != "profile_not_found" {
			t.Errorf("%s %s?program=%s as its owner = %d %s; want 404 profile_not_found", c.method, c.path, tc, r.Status, r.Body)
		}
		if r := e.call(c.method, in(tc, c.path), e.user, body); r.Status != 404 || r.Code() != "account_not_found" {
			t.Errorf("%s %s?program=%s as another organisation's user = %d %s; want 404 account_not_found", c.method, c.path, tc, r.Status, r.Body)
		}
	}
	if r := e.call("GET", in(tc, peerAcc+"/profile"), e.admin, nil); r.Status != 404 || r.Code() != "profile_not_found" {
		t.Errorf("an admin reads a programme the account is not in = %d %s; want 404", r.Status, r.Body)
	}
	if st := e.item("PROFILESTATE#" + tc); st != nil {
		t.Errorf("a profile state was written: %v", st)
	}

	// An account in Trade Compliance only has no security profile, so
	// today's clients, which ask for the default, get 404 too.
	tcOnly := "tc-" + e.account
	if err := e.d.Accounts.SeedAccount(context.Background(), accounts.Organization{ID: "tc-org-" + e.account, Name: "Compliance Group"},
		account.Account{ID: tcOnly, Name: "Compliance Imports", EntityType: "importer", Programs: []string{tc}, ReviewDueDate: "2027-05-31"},
		[]accounts.SeedMember{{UserID: e.peerID, Email: e.peerEmail, Role: accounts.Owner}}); err != nil {
		t.Fatal(err)
	}
	if r := e.call("GET", "/v1/accounts/"+tcOnly+"/profile", e.peer, nil); r.Status != 404 || r.Code() != "profile_not_found" {
		t.Errorf("the security profile of a Trade Compliance account = %d %s; want 404 profile_not_found", r.Status, r.Body)
	}
	if v := e.must(e.call("GET", in(tc, "/v1/accounts/"+tcOnly+"/profile"), e.peer, nil), 200).JSON(); v["program"] != tc || v["status"] != "draft" {
		t.Errorf("its Trade Compliance profile = %v", v)
	}
}

// TestUnknownProgramme: a programme the portal does not know, or two, is
// 400 invalid_program on every profile route, naming the field with any
// other invalid one, and nothing is written.
func TestUnknownProgramme(t *testing.T) {
	e := newEnv(t)
	acc := "/v1/accounts/" + e.account
	save := map[string]any{"answer": "yes", "narrative": "x", "version": 0}
	routes := []struct {
		method, path string
		body         any
	}{
		{"GET", "/v1/criteria", nil},
		{"GET", acc + "/profile", nil},
		{"PUT", acc + "/profile/criteria/vision.1", save},
		{"POST", acc + "/profile/submit", nil},
		{"POST", acc + "/profile/criteria/vision.1/review", map[string]string{"decision": "approve"}},
		{"GET", acc + "/profile/criteria/vision.1/versions", nil},
		{"POST", acc + "/profile/criteria/vision.1/evidence", map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 10}},
		{"POST", acc + "/profile/criteria/vision.1/evidence/x/complete", nil},
		{"GET", acc + "/profile/criteria/vision.1/evidence/x", nil},
		{"DELETE", acc + "/profile/criteria/vision.1/evidence/x", nil},
		{"POST", acc + "/annual-reviews", nil},
		{"GET", acc + "/documents", nil},
		{"GET", "/v1/reviews?status=submitted", nil},
	}
	for _, query := range []string{"program=ctpat_customs", "program=CTPAT_SECURITY", "program=ctpat_security&program=ctpat_trade_compliance", "program=%00"} {
		for _, rt := range routes {
			token := e.user
			if strings.HasSuffix(rt.path, "/review") || strings.HasPrefix(rt.path, "/v1/reviews") {
				token = e.scss
			}
			sep := "?"
			if strings.Contains(rt.path, "?") {
				sep = "&"
			}
			r := e.call(rt.method, rt.path+sep+query, token, rt.body)
			if r.Status != 400 || r.Code() != "invalid_program" || !strings.Contains(string(r.Body), `"field":"program"`) {
				t.Errorf("%s %s = %d %s; want 400 invalid_program naming program", rt.method, rt.path+sep+query, r.Status, r.Body)
			}
		}
	}
	// A wrong programme and a wrong body: one 400 naming both.
	r := e.call("PUT", in("nope", acc+"/profile/criteria/vision.1"), e.user, map[string]any{"answer": "maybe", "narrative": "x", "version": 0})
	if r.Status != 400 || r.Code() != "invalid_program" || !strings.Contains(string(r.Body), `"field":"answer"`) {
		t.Errorf("bad programme and bad answer = %d %s; want 400 invalid_program naming program and answer", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/criteria?program=nope&entityType=pirate", e.user, nil); r.Status != 400 || !strings.Contains(string(r.Body), `"field":"entityType"`) {
		t.Errorf("bad programme and bad entity type = %d %s; want both named", r.Status, r.Body)
	}
	// Nothing was written, in either programme; an empty parameter is the
	// default programme.
	if it := e.item("CRIT#vision.1"); it != nil {
		t.Errorf("an answer was written: %v", it)
	}
	if v := e.must(e.call("GET", acc+"/profile?program=", e.user, nil), 200).JSON(); v["program"] != criteria.Security {
		t.Errorf("program= (empty) answered %v; want the default", v["program"])
	}
	page, err := e.d.Audit.ForAccount(context.Background(), e.account, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Events) != 0 {
		t.Errorf("audit events after refused requests: %+v", page.Events)
	}
}

// TestTradeComplianceSubmittedOnce: of many submissions of the same Trade
// Compliance profile at once, one is accepted and queued once.
func TestTradeComplianceSubmittedOnce(t *testing.T) {
	e := newEnv(t)
	e.answerRequired(tc)
	statuses := make([]int, 10)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil).Status
		})
	}
	wg.Wait()
	accepted, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case 202:
			accepted++
		case 409:
			conflict++
		}
	}
	if accepted != 1 || conflict != len(statuses)-1 {
		t.Errorf("10 simultaneous submissions = %v; want one 202, the rest 409", statuses)
	}
	if got := e.queued(e.admin, tc); len(got) != 1 {
		t.Errorf("admin's Trade Compliance queue = %v; want the account once", got)
	}
}

// TestAnnualReviewsOfTwoProgrammes: each programme opens its own annual
// review; the account's one due date moves on a year once, when the first
// of the two reviews of that year is approved, not once per programme.
func TestAnnualReviewsOfTwoProgrammes(t *testing.T) {
	e := newEnv(t)
	for _, program := range []string{criteria.Security, tc} {
		e.answerRequired(program)
		e.must(e.call("POST", in(program, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil), 202)
		e.approvePending(program)
	}
	if r := e.call("POST", in(tc, "/v1/accounts/"+e.account+"/annual-reviews"), e.user, nil); r.Status != 201 || r.JSON()["cycle"].(float64) != 2 {
		t.Fatalf("open the Trade Compliance annual review = %d %s", r.Status, r.Body)
	}
	if c := e.profileOf(criteria.Security, e.user)[""]; c["status"] != "approved" || c["cycle"].(float64) != 1 {
		t.Errorf("the security profile after the other programme's annual review opened = %v; want approved, cycle 1", c)
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/annual-reviews", e.user, nil), 201)
	for _, program := range []string{tc, criteria.Security} {
		e.must(e.call("POST", in(program, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil), 202)
		e.approvePending(program)
		if due, key := e.dueDate(t); due != "2028-05-31" || key != "DUE#2028-05-31" {
			t.Errorf("after the %s annual review the due date is %s (%s); want 2028-05-31, moved once", program, due, key)
		}
		if c := e.profileOf(program, e.user)[""]; c["status"] != "approved" || c["cycle"].(float64) != 2 {
			t.Errorf("%s profile = %v; want approved, cycle 2", program, c)
		}
	}
	docs := e.must(e.call("GET", in(tc, "/v1/accounts/"+e.account+"/documents"), e.user, nil), 200).JSON()["documents"].([]any)
	if len(docs) != 2 || docs[0].(map[string]any)["cycle"].(float64) != 2 {
		t.Errorf("Trade Compliance documents = %v; want cycles 2 and 1", docs)
	}
}

// TestRequeueProfiles: when the account's specialist changes, a Trade
// Compliance profile waiting for review moves to the new specialist's
// queue (account.RequeueProfiles, for the reassignment to call).
func TestRequeueProfiles(t *testing.T) {
	e := newEnv(t)
	e.answerRequired(tc)
	e.must(e.call("POST", in(tc, "/v1/accounts/"+e.account+"/profile/submit"), e.user, nil), 202)
	acc, _, err := account.Get(context.Background(), e.d.Store, e.account)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.RequeueProfiles(context.Background(), e.d.Store, acc, e.otherSCSSID); err != nil {
		t.Fatal(err)
	}
	if got := e.queued(e.otherSCSS, tc); len(got) != 1 || got[0]["specialistId"] != e.otherSCSSID {
		t.Errorf("new specialist's Trade Compliance queue = %v; want the account", got)
	}
	if got := e.queued(e.scss, tc); len(got) != 0 {
		t.Errorf("old specialist's Trade Compliance queue = %v; want nothing", got)
	}
}

// FuzzProgramParam reads arbitrary query strings: what is accepted is a
// programme with a questionnaire; what is refused is 400 invalid_program.
func FuzzProgramParam(f *testing.F) {
	for _, s := range []string{"", "program=", "program=ctpat_security", "program=ctpat_trade_compliance", "program=x&program=y",
		"program=%zz", "program=ctpat_security%00", "entityType=importer&program=ctpat_trade_compliance", "program"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // as http.Request.URL.Query does
		program, err := profile.ProgramParam(q)
		if err != nil {
			if fe := fault.As(err); fe.Kind != fault.Invalid || fe.Code != "invalid_program" || len(fe.Details) != 1 || fe.Details[0].Field != "program" {
				t.Fatalf("ProgramParam(%q) = %v; want 400 invalid_program naming program", raw, err)
			}
			return
		}
		if _, ok := criteria.Of(program); !ok {
			t.Fatalf("ProgramParam(%q) accepted %q", raw, program)
		}
		if vs := q["program"]; len(vs) > 1 || len(vs) == 1 && vs[0] != "" && vs[0] != program || (len(vs) == 0 || vs[0] == "") && program != profile.DefaultProgram {
			t.Fatalf("ProgramParam(%q) = %q; want the one programme named, or the default", raw, program)
		}
	})
}
