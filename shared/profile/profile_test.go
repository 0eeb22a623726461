package profile_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/account"
	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/audit"
	"github.com/partner-portal/portal/shared/criteria"
	"github.com/partner-portal/portal/shared/identity"
	"github.com/partner-portal/portal/shared/portal"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const pw = testenv.Password

type env struct {
	t                                         testing.TB
	d                                         *portal.Deps
	base                                      string
	account                                   string
	owner, user, scss, otherSCSS, admin, peer string // tokens
	ownerEmail, scssEmail                     string
	peerID, peerEmail, otherSCSSID            string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvWith(t, nil)
}

// newEnvWith is newEnv with prepare run on the dependencies before the
// server starts.
func newEnvWith(t testing.TB, prepare func(*portal.Deps)) *env {
	t.Helper()
	d, base := testenv.Portal(t, nil, prepare)
	e := &env{t: t, d: d, base: base}
	ctx := context.Background()
	person := func(prefix string, role identity.StaffRole) (string, string, string) {
		email, id := testenv.Person(t, d, prefix, role)
		return email, id, testenv.SignIn(t, base, email, pw)
	}
	var ownerID, userID, scssID, userEmail string
	e.ownerEmail, ownerID, e.owner = person("owner", "")
	userEmail, userID, e.user = person("user", "")
	e.scssEmail, scssID, e.scss = person("scss", identity.SCSS)
	_, e.otherSCSSID, e.otherSCSS = person("scss2", identity.SCSS)
	_, _, e.admin = person("admin", identity.Admin)
	e.peerEmail, e.peerID, e.peer = person("peer", "")
	e.account = "acc-" + ownerID[:10]
	if err := d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "org-" + ownerID[:10], Name: "Profile Group"},
		account.Account{ID: e.account, Name: "Profile Imports", EntityType: "importer", Programs: []string{"ctpat_security", "ctpat_trade_compliance"},
			SpecialistID: scssID, ReviewDueDate: "2027-05-31"},
		[]accounts.SeedMember{{UserID: ownerID, Email: e.ownerEmail, Role: accounts.Owner}, {UserID: userID, Email: userEmail, Role: accounts.User}}); err != nil {
		t.Fatal(err)
	}
	if err := d.Accounts.SeedAccount(ctx, accounts.Organization{ID: "peer-" + ownerID[:10], Name: "Peer Group"},
		account.Account{ID: "peer-" + e.account, Name: "Peer Imports", EntityType: "importer", Programs: []string{"ctpat_security"}, ReviewDueDate: "2027-05-31"},
		[]accounts.SeedMember{{UserID: e.peerID, Email: e.peerEmail, Role: accounts.Owner}}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) call(method, path, token string, body any) testenv.Response {
	e.t.Helper()
	return testenv.Call(e.t, e.base, method, path, token, body)
}

func (e *env) must(r testenv.Response, status int) testenv.Response {
	e.t.Helper()
	if r.Status != status {
		e.t.Fatalf("status %d %s; want %d", r.Status, r.Body, status)
	}
	return r
}

func (e *env) profile(token string) map[string]map[string]any {
	e.t.Helper()
	v := e.must(e.call("GET", "/v1/accounts/"+e.account+"/profile", token, nil), 200).JSON()
	out := map[string]map[string]any{"": {"status": v["status"], "cycle": v["cycle"]}}
	for _, c := range v["criteria"].([]any) {
		m := c.(map[string]any)
		out[m["id"].(string)] = m
	}
	return out
}

func (e *env) save(token, id, answer string, version int) testenv.Response {
	e.t.Helper()
	return e.call("PUT", "/v1/accounts/"+e.account+"/profile/criteria/"+id, token,
		map[string]any{"answer": answer, "narrative": "Narrative for " + id, "version": version})
}

func version(c map[string]any) int { return int(c["draft"].(map[string]any)["version"].(float64)) }

func TestCriteriaList(t *testing.T) {
	e := newEnv(t)
	r := e.must(e.call("GET", "/v1/criteria?entityType=sea_carrier", e.user, nil), 200).JSON()
	if got := len(r["criteria"].([]any)); got != len(criteria.ForEntityType("sea_carrier")) || len(r["categories"].([]any)) != 12 {
		t.Errorf("criteria for a sea carrier = %d", got)
	}
	if r := e.call("GET", "/v1/criteria?entityType=pirate", e.user, nil); r.Status != 400 || r.Code() != "invalid_entity_type" {
		t.Errorf("unknown entity type = %d %s", r.Status, r.Body)
	}
	if r := e.call("GET", "/v1/criteria", "", nil); r.Status != 401 {
		t.Errorf("without a session = %d", r.Status)
	}
}

// TestProfileJourney: answer, stale write, submit with gaps and complete,
// queue, partner cannot review, approve and return, resubmit, versions.
func TestProfileJourney(t *testing.T) {
	e := newEnv(t)
	p := e.profile(e.user)
	applicable := criteria.ForEntityType("importer")
	if p[""]["status"] != "draft" || len(p) != len(applicable)+1 {
		t.Fatalf("fresh profile: status %v, %d criteria; want draft and %d", p[""]["status"], len(p)-1, len(applicable))
	}
	if c := p["vision.1"]; version(c) != 0 || c["approved"] != nil || c["review"].(map[string]any)["state"] != "none" || c["required"] != true {
		t.Errorf("fresh criterion = %v", c)
	}

	// A draft, a stale write refused with nothing lost, a fresh write.
	if r := e.must(e.save(e.user, "vision.1", "yes", 0), 200).JSON(); version(r) != 1 {
		t.Errorf("first save = %v; want version 1", r)
	}
	if r := e.save(e.owner, "vision.1", "no", 0); r.Status != 409 || r.Code() != "version_conflict" {
		t.Errorf("stale save = %d %s; want 409 version_conflict", r.Status, r.Body)
	}
	if d := e.profile(e.user)["vision.1"]["draft"].(map[string]any); d["answer"] != "yes" {
		t.Errorf("after the stale write the answer is %v; want the first one kept", d["answer"])
	}
	e.must(e.save(e.owner, "vision.1", "yes", 1), 200)
	for _, bad := range []map[string]any{
		{"answer": "maybe", "narrative": "", "version": 0},
		{"answer": "yes", "narrative": strings.Repeat("n", 4001), "version": 0},
		{"answer": "yes", "narrative": "x"},
	} {
		if r := e.call("PUT", "/v1/accounts/"+e.account+"/profile/criteria/risk.3", e.user, bad); r.Status != 400 {
			t.Errorf("bad save %v = %d", bad, r.Status)
		}
	}
	if r := e.save(e.user, "conveyance.3", "yes", 0); r.Status != 404 {
		t.Errorf("a criterion of carriers only = %d; want 404", r.Status)
	}
	if r := e.save(e.peer, "vision.2", "yes", 0); r.Status != 404 {
		t.Errorf("another organisation's user saves = %d; want 404", r.Status)
	}
	if r := e.save(e.scss, "vision.2", "yes", 0); r.Status != 403 {
		t.Errorf("the specialist edits = %d; want 403", r.Status)
	}

	// Submitting with required criteria unanswered names them.
	r := e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.user, nil)
	if r.Status != 422 || r.Code() != "missing_answers" || !strings.Contains(string(r.Body), `"field":"risk.1"`) {
		t.Fatalf("submit with gaps = %d %.300s; want 422 missing_answers naming risk.1", r.Status, r.Body)
	}
	for _, c := range applicable {
		if c.Required && c.ID != "vision.1" {
			e.must(e.save(e.user, c.ID, "yes", 0), 200)
		}
	}
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.owner, nil), 202)
	if st := e.profile(e.user)[""]["status"]; st != "submitted" {
		t.Errorf("status after submit = %v", st)
	}
	if r := e.save(e.user, "vision.1", "no", 2); r.Status != 409 || r.Code() != "under_review" {
		t.Errorf("edit while submitted = %d %s; want 409 under_review", r.Status, r.Body)
	}
	if got := testenv.WaitMails(t, e.scssEmail, 1); len(got) != 1 || !strings.Contains(got[0].Subject, "Profile Imports") {
		t.Errorf("specialist mails = %+v", got)
	}

	// The queue: the assigned specialist and admins see it, another does not.
	queue := func(token string) int {
		r := e.must(e.call("GET", "/v1/reviews?status=submitted", token, nil), 200).JSON()["reviews"].([]any)
		n := 0
		for _, q := range r {
			entry := q.(map[string]any)
			if entry["accountId"] != e.account {
				continue
			}
			n++
			if entry["name"] == "" || entry["submittedAt"] == nil {
				t.Errorf("queue entry = %v; want its name and submittedAt", entry)
			}
		}
		return n
	}
	if queue(e.scss) != 1 || queue(e.admin) != 1 || queue(e.otherSCSS) != 0 {
		t.Errorf("queues: assigned %d, admin %d, other specialist %d; want 1, 1, 0", queue(e.scss), queue(e.admin), queue(e.otherSCSS))
	}
	if r := e.call("GET", "/v1/reviews?status=submitted", e.owner, nil); r.Status != 403 {
		t.Errorf("a partner's queue = %d; want 403", r.Status)
	}

	review := func(token, id, decision, comment string) testenv.Response {
		return e.call("POST", "/v1/accounts/"+e.account+"/profile/criteria/"+id+"/review", token, map[string]string{"decision": decision, "comment": comment})
	}
	if r := review(e.owner, "vision.1", "approve", ""); r.Status != 403 {
		t.Errorf("a partner reviews = %d; want 403", r.Status)
	}
	if r := review(e.otherSCSS, "vision.1", "approve", ""); r.Status != 404 {
		t.Errorf("an unassigned specialist reviews = %d; want 404", r.Status)
	}
	if r := review(e.scss, "risk.1", "return", ""); r.Status != 400 {
		t.Errorf("return without a comment = %d; want 400", r.Status)
	}
	e.must(review(e.scss, "risk.1", "return", "Name the routes you assessed."), 200)
	for _, c := range applicable {
		if c.Required && c.ID != "risk.1" {
			e.must(review(e.scss, c.ID, "approve", ""), 200)
		}
	}
	p = e.profile(e.owner)
	if p[""]["status"] != "returned" || p["risk.1"]["review"].(map[string]any)["comment"] != "Name the routes you assessed." {
		t.Fatalf("after the review: status %v, risk.1 %v", p[""]["status"], p["risk.1"]["review"])
	}
	if a := p["vision.1"]["approved"].(map[string]any); a["answer"] != "yes" || a["version"].(float64) != 1 || a["reviewerId"] == "" {
		t.Errorf("approved snapshot = %v", a)
	}
	if queue(e.scss) != 0 {
		t.Errorf("a decided profile is still queued")
	}
	outcome := testenv.WaitMails(t, e.ownerEmail, 1)
	if len(outcome) != 1 || !strings.Contains(outcome[0].Subject, "returned") {
		t.Errorf("owner's outcome mails = %+v", outcome)
	}

	// Fix the returned criterion and change an approved one; resubmit.
	e.must(e.save(e.user, "risk.1", "yes", version(p["risk.1"])), 200)
	e.must(e.save(e.user, "vision.1", "no", version(p["vision.1"])), 200)
	e.must(e.call("POST", "/v1/accounts/"+e.account+"/profile/submit", e.user, nil), 202)
	p = e.profile(e.scss)
	if p["vision.2"]["review"].(map[string]any)["state"] != "approved" || p["risk.1"]["review"].(map[string]any)["state"] != "pending" ||
		p["vision.1"]["review"].(map[string]any)["state"] != "pending" {
		t.Errorf("resubmitted: unchanged approved stay approved, changed ones wait: %v %v %v",
			p["vision.2"]["review"], p["risk.1"]["review"], p["vision.1"]["review"])
	}
	e.must(review(e.scss, "risk.1", "approve", ""), 200)
	e.must(review(e.scss, "vision.1", "approve", "Thanks"), 200)
	if st := e.profile(e.owner)[""]["status"]; st != "approved" {
		t.Errorf("status after every criterion approved = %v", st)
	}
	vs := e.must(e.call("GET", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/versions", e.user, nil), 200).JSON()["versions"].([]any)
	if len(vs) != 2 || vs[0].(map[string]any)["answer"] != "no" || vs[0].(map[string]any)["version"].(float64) != 2 || vs[1].(map[string]any)["answer"] != "yes" {
		t.Errorf("versions, newest first = %v", vs)
	}
	if r := e.call("GET", "/v1/accounts/"+e.account+"/profile/criteria/vision.1/versions", e.peer, nil); r.Status != 404 {
		t.Errorf("another organisation reads versions = %d; want 404", r.Status)
	}
	if r := review(e.scss, "vision.1", "approve", ""); r.Status != 409 {
		t.Errorf("reviewing an approved profile = %d; want 409", r.Status)
	}
}

// TestConcurrentWriters: twenty writers with one version give one 200 and
// nineteen 409.
func TestConcurrentWriters(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = e.call("PUT", "/v1/accounts/"+e.account+"/profile/criteria/risk.2", e.user,
				map[string]any{"answer": "yes", "narrative": fmt.Sprintf("writer %d", i), "version": 0}).Status
		})
	}
	wg.Wait()
	ok, conflict := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			ok++
		case 409:
			conflict++
		}
	}
	if ok != 1 || conflict != 19 {
		t.Errorf("20 concurrent writers = %v; want one 200 and nineteen 409", statuses)
	}
	if v := version(e.profile(e.user)["risk.2"]); v != 1 {
		t.Errorf("version after the race = %d; want 1", v)
	}
}

// TestProfileEventsNameTheClient: the audit events of profile and review
// actions made over HTTP carry the client's address and agent, as sign-in
// events do (issue 12: one recorder takes them from the request).
func TestProfileEventsNameTheClient(t *testing.T) {
	e := newEnv(t)
	e.must(e.save(e.user, "vision.1", "yes", 0), 200)
	page, err := e.d.Audit.ForAccount(context.Background(), e.account, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	var saved int
	for _, ev := range page.Events {
		if ev.Action != audit.ProfileAnswerSaved {
			continue
		}
		saved++
		if ev.IP != "127.0.0.1" || ev.UserAgent == "" {
			t.Errorf("%s event from IP %q, agent %q; want 127.0.0.1 and the test client's agent", ev.Action, ev.IP, ev.UserAgent)
		}
	}
	if saved != 1 {
		t.Errorf("%d %s events; want 1 (events: %+v)", saved, audit.ProfileAnswerSaved, page.Events)
	}
}
