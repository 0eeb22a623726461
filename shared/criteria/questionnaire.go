package criteria

// Programmes that have a questionnaire. The ids are those of an account's
// programs list.
const (
	Security        = "ctpat_security"
	TradeCompliance = "ctpat_trade_compliance"
)

// Questionnaire is the catalogue one programme's profile answers: its
// categories and criteria, in order.
type Questionnaire struct {
	// Program is the programme's id, as an account's programs list names it.
	Program string
	// Title names the profile in mails and documents ("Security profile").
	Title      string
	Categories []Category
	Criteria   []Criterion
}

// Of returns the questionnaire of a programme; ok is false for a programme
// the portal does not know.
func Of(program string) (q Questionnaire, ok bool) {
	switch program {
	case Security:
		return Questionnaire{Program: Security, Title: "Security profile", Categories: Categories, Criteria: Catalogue}, true
	case TradeCompliance:
		return Questionnaire{Program: TradeCompliance, Title: "Trade Compliance profile", Categories: TradeComplianceCategories,
			Criteria: TradeComplianceCatalogue}, true
	}
	return Questionnaire{}, false
}

// Programs are the programmes that have a questionnaire, the default first.
func Programs() []string { return []string{Security, TradeCompliance} }

// ForEntityType returns the criteria of the questionnaire that apply to an
// entity type, in catalogue order.
func (q Questionnaire) ForEntityType(entityType string) []Criterion {
	var out []Criterion
	for _, c := range q.Criteria {
		if c.AppliesTo(entityType) {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the criterion of the questionnaire with the id.
func (q Questionnaire) Get(id string) (Criterion, bool) {
	for _, c := range q.Criteria {
		if c.ID == id {
			return c, true
		}
	}
	return Criterion{}, false
}
