package application_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
	"github.com/partner-portal/portal/shared/identity"
)

// TestApplicationInvalid: every field wrong is one 400 naming each, in the
// order of the form, and nothing is stored; then field by field.
func TestApplicationInvalid(t *testing.T) {
	e := newEnv(t)
	_, userID, tok := e.partner("invalid")
	bad := map[string]any{
		"programs": []string{"ctpat_security", "ctpat_gold"},
		"company": map[string]any{
			"legalName": "", "ein": "12-345", "entityType": "smuggler",
			"address": map[string]string{"street1": "P.O. Box 12", "street2": "pobox 9", "city": "", "state": "",
				"postalCode": "9", "country": "USA"},
			"phone": "12", "phoneExtension": "x1",
		},
		"contact":     map[string]string{"name": "Bad\u202eName", "email": "nope", "phone": "", "phoneExtension": "1234567", "title": strings.Repeat("t", 201)},
		"attestation": false,
	}
	r := e.call("POST", "/v1/applications", tok, bad)
	if r.Status != 400 || r.Code() != "invalid_programs" {
		t.Fatalf("every field wrong = %d %s; want 400 invalid_programs", r.Status, r.Body)
	}
	want := "programs,company.legalName,company.ein,company.entityType,company.address.street1,company.address.street2," +
		"company.address.city,company.address.state,company.address.postalCode,company.address.country,company.phone," +
		"company.phoneExtension,contact.name,contact.email,contact.phone,contact.phoneExtension,contact.title,attestation"
	if got := strings.Join(errorFields(t, r), ","); got != want {
		t.Errorf("fields named = %s\nwant %s", got, want)
	}
	if items := e.items("APPLICANT#" + userID); len(items) != 0 {
		t.Errorf("a refused application stored %v", items)
	}

	ein := randomEIN()
	cases := []struct {
		name   string
		change func(app map[string]any)
		fields string
	}{
		{"no identifier", func(a map[string]any) { delete(company(a), "ein") }, "company.ein"},
		{"both identifiers", func(a map[string]any) { company(a)["protestFilerNumber"] = "260301-00042" }, "company.ein,company.protestFilerNumber"},
		{"bad filer number", func(a map[string]any) { delete(company(a), "ein"); company(a)["protestFilerNumber"] = "26-0301" }, "company.protestFilerNumber"},
		{"no programmes", func(a map[string]any) { a["programs"] = []string{} }, "programs"},
		{"no attestation", func(a map[string]any) { delete(a, "attestation") }, "attestation"},
		{"PO box", func(a map[string]any) { address(a)["street1"] = "Post Office Box 77" }, "company.address.street1"},
		{"PO box, dotted", func(a map[string]any) { address(a)["street1"] = "p.o.b. 77" }, "company.address.street1"},
		{"PO box, second line", func(a map[string]any) { address(a)["street2"] = "PO-BOX 5" }, "company.address.street2"},
		{"ZIP", func(a map[string]any) { address(a)["postalCode"] = "9080" }, "company.address.postalCode"},
	}
	for _, c := range cases {
		app := goodApplication(ein)
		c.change(app)
		r := e.call("POST", "/v1/applications", tok, app)
		if got := strings.Join(errorFields(t, r), ","); r.Status != 400 || got != c.fields {
			t.Errorf("%s = %d, fields %q; want 400 naming %s", c.name, r.Status, got, c.fields)
		}
	}
	for _, body := range []any{`{"programs":["ctpat_security"],"shoeSize":9}`, `{"programs":"ctpat_security"}`, `[1]`, `{`} {
		if r := e.call("POST", "/v1/applications", tok, body); r.Status != 400 {
			t.Errorf("body %s = %d %s; want 400", body, r.Status, r.Body)
		}
	}
	if items := e.items("APPLICANT#" + userID); len(items) != 0 {
		t.Errorf("refused applications stored %v", items)
	}
	// The same EIN is still free: nothing above took its lock.
	e.must(e.call("POST", "/v1/applications", tok, goodApplication(ein)), 201)

	_, admin := e.staff("admin", identity.Admin)
	if r := e.call("POST", "/v1/applications", admin, goodApplication(randomEIN())); r.Status != 403 || r.Code() != "staff_cannot_apply" {
		t.Errorf("an admin applies = %d %s; want 403 staff_cannot_apply", r.Status, r.Body)
	}
	if r := e.call("POST", "/v1/applications", "", goodApplication(randomEIN())); r.Status != 401 {
		t.Errorf("applying signed out = %d; want 401", r.Status)
	}
}

func company(app map[string]any) map[string]any { return app["company"].(map[string]any) }
func address(app map[string]any) map[string]string {
	return company(app)["address"].(map[string]string)
}

// TestOneOpenApplicationPerCompany: applicants racing for one company
// identifier and programme — the EIN written three ways — through parallel
// HTTP requests: exactly one 201, every other 409 application_open, one
// lock and one application stored. Another programme, or a filer number,
// is a lock of its own.
func TestOneOpenApplicationPerCompany(t *testing.T) {
	e := newEnv(t)
	const n = 12
	tokens := make([]string, n)
	for i := range tokens {
		_, _, tokens[i] = e.partner(fmt.Sprintf("racer%d", i))
	}
	ein := randomEIN()
	spellings := []string{ein, strings.Replace(ein, "-", "", 1), " " + ein + " "}
	statuses := make([]int, n)
	codes := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			r := testenv.Call(t, e.url, http.MethodPost, "/v1/applications", tokens[i], goodApplication(spellings[i%len(spellings)]))
			statuses[i], codes[i] = r.Status, r.Code()
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		switch {
		case statuses[i] == 201:
			created++
		case statuses[i] != 409 || codes[i] != "application_open":
			t.Errorf("racer %d = %d %s; want 201 or 409 application_open", i, statuses[i], codes[i])
		}
	}
	if created != 1 {
		t.Fatalf("%d applications filed for one EIN and programme; want exactly 1 (statuses %v)", created, statuses)
	}
	locks := e.items("APPLOCK#ctpat_security#ein:" + ein)
	if len(locks) != 1 {
		t.Fatalf("locks = %v; want one", locks)
	}
	if item := e.items("APPLICATION#" + locks[0]["applicationId"].(string)); len(item) != 1 || item[0]["status"] != "pending" {
		t.Errorf("the lock names %v", item)
	}
	_, admin := e.staff("admin", identity.Admin)
	if list := e.must(e.call("GET", "/v1/applications", admin, nil), 200).JSON()["applications"].([]any); len(list) != 1 {
		t.Errorf("pending applications = %d; want 1", len(list))
	}

	other := goodApplication(ein)
	other["programs"] = []string{"ctpat_trade_compliance"}
	e.must(e.call("POST", "/v1/applications", tokens[0], other), 201)
	both := goodApplication(ein)
	both["programs"] = []string{"ctpat_security", "ctpat_trade_compliance"}
	if r := e.call("POST", "/v1/applications", tokens[1], both); r.Status != 409 || r.Code() != "application_open" ||
		!strings.Contains(r.JSON()["error"].(map[string]any)["message"].(string), "CTPAT Security and CTPAT Trade Compliance") {
		t.Errorf("both programmes, both open = %d %s; want 409 naming both", r.Status, r.Body)
	}
	filer := goodApplication(ein)
	delete(company(filer), "ein")
	company(filer)["protestFilerNumber"] = "26030100042"
	e.must(e.call("POST", "/v1/applications", tokens[2], filer), 201)
	if r := e.call("POST", "/v1/applications", tokens[3], filer); r.Status != 409 {
		t.Errorf("the filer number again = %d; want 409", r.Status)
	}
}
