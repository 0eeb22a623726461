package application

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/partner-portal/portal/shared/accounts"
	"github.com/partner-portal/portal/shared/company"
	"github.com/partner-portal/portal/shared/fault"
	"github.com/partner-portal/portal/shared/httpapi"
	"github.com/partner-portal/portal/shared/mail"
)

const goodBody = `{"programs":["ctpat_security"],"company":{"legalName":"Harbor Lights Imports LLC","ein":"12-3456789","entityType":"importer",` +
	`"address":{"street1":"1200 Harbor Blvd","city":"Long Beach","state":"CA","postalCode":"90802","country":"US"},"phone":"+1 562 555 0143"},` +
	`"contact":{"name":"Casey Contact","email":"casey@harbor.example","phone":"+1 562 555 0144"},"attestation":true}`

// FuzzApplicationRequest: no body makes decoding or validation panic; every
// refusal is a 400 naming fields; and what is accepted keeps the rules — one
// identifier in its normalised form, no post-office box, known programmes
// once each, a normalised contact address, clean names — and validates
// again to itself.
func FuzzApplicationRequest(f *testing.F) {
	f.Add([]byte(goodBody))
	f.Add([]byte(strings.Replace(goodBody, `"ein":"12-3456789"`, `"protestFilerNumber":"26030100042"`, 1)))
	f.Add([]byte(strings.Replace(goodBody, "1200 Harbor Blvd", "P.O. Box 7", 1)))
	f.Add([]byte(`{"programs":["ctpat_security","ctpat_security"],"company":{"ein":"123456789","protestFilerNumber":"x"},"attestation":true}`))
	f.Add([]byte(`{"company":{"address":{"street1":"\u202e"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req Request
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req); err != nil {
			if fe := fault.As(err); fe.Kind == fault.Internal {
				t.Fatalf("decode error is internal: %v", err)
			}
			return
		}
		fl, err := req.Validate()
		if err != nil {
			fe := fault.As(err)
			if fe.Kind != fault.Invalid || len(fe.Details) == 0 || fe.Details[0].Field == "" {
				t.Fatalf("Validate error = %+v; want a 400 naming fields", fe)
			}
			return
		}
		checkFiling(t, req, fl)
		again, err := Request{Programs: fl.Programs, Company: fl.Company, Contact: fl.Contact, Attestation: true}.Validate()
		if err != nil || !reflect.DeepEqual(again, fl) {
			t.Errorf("the accepted filing validates to %+v, %v; want itself %+v", again, err, fl)
		}
	})
}

func checkFiling(t *testing.T, req Request, fl Filing) {
	t.Helper()
	c := fl.Company
	switch {
	case !req.Attestation:
		t.Errorf("accepted without the attestation")
	case (c.EIN == "") == (c.ProtestFilerNumber == ""):
		t.Errorf("accepted with EIN %q and filer number %q; want exactly one", c.EIN, c.ProtestFilerNumber)
	case c.EIN != "" && fl.Identifier != "ein:"+c.EIN, c.ProtestFilerNumber != "" && fl.Identifier != "filer:"+c.ProtestFilerNumber:
		t.Errorf("identifier %q for %+v", fl.Identifier, c)
	case company.IsPOBox(c.Address.Street1) || company.IsPOBox(c.Address.Street2):
		t.Errorf("accepted a post-office box: %+v", c.Address)
	case len(fl.Programs) == 0 || slices.ContainsFunc(fl.Programs, func(p string) bool { return !slices.Contains(accounts.Programs, p) }):
		t.Errorf("programs %v", fl.Programs)
	}
	if n, ok := company.NormalizeEIN(c.EIN); c.EIN != "" && (!ok || n != c.EIN) {
		t.Errorf("EIN %q is not normalised", c.EIN)
	}
	if n, ok := company.NormalizeProtestFiler(c.ProtestFilerNumber); c.ProtestFilerNumber != "" && (!ok || n != c.ProtestFilerNumber) {
		t.Errorf("filer number %q is not normalised", c.ProtestFilerNumber)
	}
	for i, p := range fl.Programs {
		if slices.Contains(fl.Programs[i+1:], p) {
			t.Errorf("programme %q twice", p)
		}
	}
	if e, err := mail.Normalize(fl.Contact.Email); err != nil || e != fl.Contact.Email {
		t.Errorf("contact email %q is not normalised", fl.Contact.Email)
	}
	for _, s := range []string{c.LegalName, c.Address.Street1, c.Address.Street2, c.Address.City, c.Address.State, fl.Contact.Name, fl.Contact.Title} {
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }) >= 0 {
			t.Errorf("accepted text %q holds a control or format character", s)
		}
	}
}

// FuzzDecisionRequest: no decision body panics; an accepted one is approve
// or reject, a rejection has its comment, ids look like ids and only come
// with an approval, and it validates again to itself.
func FuzzDecisionRequest(f *testing.F) {
	for _, s := range []string{`{"decision":"approve"}`, `{"decision":"reject","comment":"Incomplete."}`, `{"decision":"reject"}`,
		`{"decision":"approve","organizationId":"abc","specialistId":"def"}`, `{"decision":"approve","comment":"\u0000"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req DecisionRequest
		if err := httpapi.DecodeJSONBody(bytes.NewReader(body), &req); err != nil {
			return
		}
		d, err := req.Validate()
		if err != nil {
			if fe := fault.As(err); fe.Kind != fault.Invalid || len(fe.Details) == 0 {
				t.Fatalf("Validate error = %+v; want a 400 naming fields", fe)
			}
			return
		}
		switch {
		case d.Decision != Approve && d.Decision != Reject:
			t.Errorf("decision %q accepted", d.Decision)
		case d.Decision == Reject && (d.Comment == "" || d.OrganizationID != "" || d.SpecialistID != ""):
			t.Errorf("rejection %+v accepted", d)
		case !idLike(d.OrganizationID) || !idLike(d.SpecialistID):
			t.Errorf("ids %q %q accepted", d.OrganizationID, d.SpecialistID)
		}
		if again, err := d.Validate(); err != nil || again != d {
			t.Errorf("the accepted decision validates to %+v, %v; want itself", again, err)
		}
	})
}

// FuzzApplicationFields is FuzzApplicationRequest on the field values
// themselves, which random JSON rarely reaches: the same rules hold for
// whatever each field holds.
func FuzzApplicationFields(f *testing.F) {
	f.Add("Harbor Lights LLC", "12-3456789", "", "1200 Harbor Blvd", "", "90802", "US", "+1 562 555 0143", "12", "casey@harbor.example")
	f.Add("A", "", "260301-00042", "P O B 4", "pobox", "SW1A 1AA", "gb", "020 7946 0958", "", "x@y.z")
	f.Add("B", "123456789", "1", "Box 9", "Postal Box 3", "9", "usa", "1", "1234567", "@")
	f.Fuzz(func(t *testing.T, name, ein, filer, street1, street2, postal, country, phone, ext, email string) {
		req := Request{Programs: []string{"ctpat_trade_compliance"}, Attestation: true,
			Company: Company{LegalName: name, EIN: ein, ProtestFilerNumber: filer, EntityType: "importer", Phone: phone, PhoneExtension: ext,
				Address: company.Address{Street1: street1, Street2: street2, City: "City", State: "ST", PostalCode: postal, Country: country}},
			Contact: Contact{Name: name, Email: email, Phone: phone, PhoneExtension: ext}}
		fl, err := req.Validate()
		if err != nil {
			if fe := fault.As(err); fe.Kind != fault.Invalid || len(fe.Details) == 0 {
				t.Fatalf("Validate error = %+v; want a 400 naming fields", fe)
			}
			return
		}
		checkFiling(t, req, fl)
		again, err := Request{Programs: fl.Programs, Company: fl.Company, Contact: fl.Contact, Attestation: true}.Validate()
		if err != nil || !reflect.DeepEqual(again, fl) {
			t.Errorf("the accepted filing validates to %+v, %v; want itself %+v", again, err, fl)
		}
	})
}
