package accounts_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/partner-portal/portal/infra/testenv"
)

// chain is an organisation with an importer (its owner, a user, assigned to
// a specialist), a foreign manufacturer (its own owner) and a carrier (no
// owner yet, in the shared pool), and a stranger owning another
// organisation's account.
type chain struct {
	world
	org                      string
	importer, maker, carrier string
	makerOwner, stranger     string
}

func (e *env) chain() chain {
	e.t.Helper()
	c := chain{world: e.world(true)}
	c.org, c.importer = c.orgID, c.accountID
	account := func(org, name, entityType, ownerEmail string) string {
		return e.must(e.call("POST", "/v1/organizations/"+org+"/accounts", c.admin, map[string]any{"name": name, "entityType": entityType,
			"programs": []string{"ctpat_security"}, "ownerEmail": ownerEmail}), 201).JSON()["id"].(string)
	}
	owner := func(email string) string {
		e.signUp(email, "")
		token := e.signIn(email)
		e.must(e.call("POST", "/v1/invitations/"+e.invitation(email, 1)+"/accept", token, nil), 200)
		return token
	}
	makerEmail := testenv.Email("maker")
	c.maker = account(c.org, "Shenzhen Plastics", "foreign_manufacturer", makerEmail)
	c.makerOwner = owner(makerEmail)
	c.carrier = account(c.org, "Pacific Lines", "sea_carrier", testenv.Email("carrier"))
	other := e.must(e.call("POST", "/v1/organizations", c.admin, map[string]string{"name": "Elsewhere"}), 201).JSON()["id"].(string)
	strangerEmail := testenv.Email("stranger")
	account(other, "Elsewhere Imports", "importer", strangerEmail)
	c.stranger = owner(strangerEmail)
	return c
}

// view is the organisation as who sees it.
type view struct {
	Links         []map[string]any `json:"links"`
	ProposedLinks []map[string]any `json:"proposedLinks"`
	SupplyChain   []node           `json:"supplyChain"`
}

type node struct {
	AccountID string `json:"accountId"`
	Repeated  bool   `json:"repeated"`
	Tiers     []struct {
		Tier  int `json:"tier"`
		Links []struct {
			Type    string `json:"type"`
			Account node   `json:"account"`
		} `json:"links"`
	} `json:"tiers"`
}

func (e *env) view(c chain, token string) view {
	e.t.Helper()
	var v view
	if err := json.Unmarshal(e.must(e.call("GET", "/v1/organizations/"+c.org, token, nil), 200).Body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// TestSupplyChainLinks: an owner of either account proposes a typed,
// tiered link; staff who see both accounts confirm or reject it; the
// organisation shows confirmed links, proposals and the supply-chain tree.
func TestSupplyChainLinks(t *testing.T) {
	e := newEnv(t)
	c := e.chain()
	links := "/v1/organizations/" + c.org + "/links"
	proposal := map[string]any{"fromAccountId": c.maker, "toAccountId": c.importer, "type": "manufacturer", "tier": 1,
		"relationship": "Makes the importer's housewares"}
	for _, who := range []struct {
		name, token string
		status      int
	}{{"a user of the importer", c.user, 403}, {"another organisation's owner", c.stranger, 404}, {"a specialist", c.scss, 403}} {
		if r := e.call("POST", links, who.token, proposal); r.Status != who.status {
			t.Errorf("%s proposes = %d %s; want %d", who.name, r.Status, r.Body, who.status)
		}
	}
	r := e.call("POST", links, c.owner, map[string]any{"fromAccountId": c.importer, "toAccountId": c.importer, "type": "pirate", "tier": 7,
		"relationship": "\u202e"})
	var fields []string
	for _, d := range r.JSON()["error"].(map[string]any)["details"].([]any) {
		fields = append(fields, d.(map[string]any)["field"].(string))
	}
	if r.Status != 400 || !slices.Equal(fields, []string{"relationship", "type", "tier", "toAccountId"}) {
		t.Errorf("bad proposal = %d %s; want 400 naming relationship, type, tier, toAccountId", r.Status, r.Body)
	}
	if v := e.view(c, c.owner); len(v.Links)+len(v.ProposedLinks) != 0 {
		t.Errorf("links after refused proposals = %+v", v)
	}

	// The importer's owner proposes (the `to` side); it waits for staff.
	r = e.must(e.call("POST", links, c.owner, proposal), 201)
	id := r.JSON()["id"].(string)
	if r.JSON()["status"] != "proposed" || r.JSON()["type"] != "manufacturer" || r.JSON()["tier"] != 1.0 {
		t.Errorf("proposal = %s", r.Body)
	}
	if r := e.call("POST", links, c.makerOwner, proposal); r.Status != 409 || r.Code() != "link_exists" {
		t.Errorf("the same link proposed again = %d %s; want 409 link_exists", r.Status, r.Body)
	}
	if v := e.view(c, c.makerOwner); len(v.Links) != 0 || len(v.ProposedLinks) != 1 || len(v.SupplyChain) != 3 {
		t.Errorf("view with a proposal = %+v; want it proposed, three unlinked accounts", v)
	}
	decide := func(token, decision string) testenv.Response {
		return e.call("POST", links+"/"+id+"/decision", token, map[string]string{"decision": decision, "comment": "Checked the contract."})
	}
	if r := decide(c.owner, "confirm"); r.Status != 403 {
		t.Errorf("the owner confirms = %d; want 403", r.Status)
	}
	if r := decide(c.otherSCSS, "confirm"); r.Status != 404 {
		t.Errorf("a specialist who does not see the importer confirms = %d; want 404", r.Status)
	}
	if r := decide(c.scss, "maybe"); r.Status != 400 || r.Code() != "invalid_decision" {
		t.Errorf("bad decision = %d %s", r.Status, r.Body)
	}
	if r := decide(c.scss, "confirm"); r.Status != 200 || r.JSON()["status"] != "confirmed" {
		t.Fatalf("the specialist confirms = %d %s", r.Status, r.Body)
	}
	if r := decide(c.admin, "reject"); r.Status != 409 || r.Code() != "link_not_proposed" {
		t.Errorf("deciding twice = %d %s; want 409 link_not_proposed", r.Status, r.Body)
	}

	// An admin's link is confirmed at once: the carrier serves the maker, tier 2.
	e.must(e.call("POST", links, c.admin, map[string]any{"fromAccountId": c.carrier, "toAccountId": c.maker, "type": "carrier", "tier": 2}), 201)
	v := e.view(c, c.owner)
	if len(v.Links) != 2 || len(v.ProposedLinks) != 0 || len(v.SupplyChain) != 1 {
		t.Fatalf("view = %+v; want two confirmed links and one tree", v)
	}
	top := v.SupplyChain[0]
	if top.AccountID != c.importer || len(top.Tiers) != 1 || top.Tiers[0].Tier != 1 || top.Tiers[0].Links[0].Type != "manufacturer" {
		t.Fatalf("tree top = %+v; want the importer with its tier-1 manufacturer", top)
	}
	maker := top.Tiers[0].Links[0].Account
	if maker.AccountID != c.maker || len(maker.Tiers) != 1 || maker.Tiers[0].Tier != 2 || maker.Tiers[0].Links[0].Account.AccountID != c.carrier {
		t.Errorf("under the maker = %+v; want its tier-2 carrier", maker)
	}

	// A rejected proposal is not shown, and may be proposed again.
	back := map[string]any{"fromAccountId": c.importer, "toAccountId": c.maker, "type": "supplier", "tier": 3}
	id = e.must(e.call("POST", links, c.owner, back), 201).JSON()["id"].(string)
	e.must(decide(c.admin, "reject"), 200)
	if v := e.view(c, c.owner); len(v.Links) != 2 || len(v.ProposedLinks) != 0 {
		t.Errorf("view after the rejection = %+v", v)
	}
	e.must(e.call("POST", links, c.makerOwner, back), 201)

	page, err := e.d.Audit.ForAccount(context.Background(), c.maker, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, ev := range page.Events {
		actions = append(actions, ev.Action)
	}
	for _, want := range []string{"link_proposed", "link_confirmed"} {
		if !slices.Contains(actions, want) {
			t.Errorf("the maker's audit = %v; want %s", actions, want)
		}
	}
}

// TestLinkProposalRace: of parallel proposals of the same link, one is
// recorded and the others are 409.
func TestLinkProposalRace(t *testing.T) {
	e := newEnv(t)
	c := e.chain()
	const n = 6
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		token := c.owner
		if i%2 == 1 {
			token = c.makerOwner
		}
		wg.Go(func() {
			statuses[i] = e.call("POST", "/v1/organizations/"+c.org+"/links", token, map[string]any{"fromAccountId": c.maker,
				"toAccountId": c.importer, "type": "manufacturer", "tier": 1}).Status
		})
	}
	wg.Wait()
	created, conflicts := 0, 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
			conflicts++
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Errorf("parallel proposals = %v; want one 201 and %d 409", statuses, n-1)
	}
}
