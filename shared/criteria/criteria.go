// Package criteria holds the questionnaires a trade account's profiles
// answer, one per programme: the security criteria, grouped in the twelve
// categories of the CTPAT Minimum Security Criteria, and the Trade
// Compliance criteria (classification, valuation, recordkeeping, …), both
// written in the portal's own words. Each criterion says whether it is a
// must or a should and which entity types it applies to.
package criteria

import "slices"

// Category is one of the twelve groups of criteria.
type Category struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Categories are the twelve categories of the security questionnaire, in
// the order of the criteria.
var Categories = []Category{
	{"vision", "Security vision and responsibility"},
	{"risk", "Risk assessment"},
	{"partners", "Business partners"},
	{"cyber", "Cybersecurity"},
	{"conveyance", "Conveyance and instruments of international traffic security"},
	{"seals", "Seal security"},
	{"procedural", "Procedural security"},
	{"agricultural", "Agricultural security"},
	{"physical", "Physical security"},
	{"access", "Physical access controls"},
	{"personnel", "Personnel security"},
	{"training", "Education, training and awareness"},
}

// Criterion is one requirement of the profile.
type Criterion struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Title    string `json:"title"`
	HelpText string `json:"helpText"`
	// Required is true for a must, false for a should.
	Required bool `json:"required"`
	// EntityTypes the criterion applies to; empty means every type.
	EntityTypes []string `json:"entityTypes,omitempty"`
}

// AppliesTo reports whether the criterion applies to an entity type.
func (c Criterion) AppliesTo(entityType string) bool {
	return len(c.EntityTypes) == 0 || slices.Contains(c.EntityTypes, entityType)
}

// Entity types that move or handle goods and their conveyances.
var (
	carriers = []string{"highway_carrier", "rail_carrier", "sea_carrier", "air_carrier", "consolidator",
		"third_party_logistics_provider", "marine_port_terminal_operator"}
	cargoHandlers = append([]string{"importer", "exporter", "foreign_manufacturer", "ftz_operator", "facility_operator"}, carriers...)
)

// Catalogue is every criterion of the security questionnaire, in category
// order.
var Catalogue = []Criterion{
	{"vision.1", "vision", "A named owner for supply-chain security", "Name the person who answers for the security programme, and show that leadership has approved the programme in writing.", true, nil},
	{"vision.2", "vision", "A written security policy", "Describe the policy that commits the company to supply-chain security, how often it is reviewed and who signs it off.", true, nil},
	{"vision.3", "vision", "Security in the company's own review cycle", "Explain how the security programme is reviewed each year, how findings are tracked and how employees can report concerns without fear of reprisal.", false, nil},

	{"risk.1", "risk", "A yearly risk assessment", "Show that the international supply chain is assessed for security risks at least once a year, covering each route from point of origin to distribution.", true, nil},
	{"risk.2", "risk", "Mapping of cargo flows", "Describe how the movement of goods is mapped, including every party that handles the cargo and every place it is stored.", true, cargoHandlers},
	{"risk.3", "risk", "Crisis and recovery plans", "Describe the plans for keeping trade secure through a disruption (a natural disaster, a cyber attack, a strike) and how they are tested.", false, nil},

	{"partners.1", "partners", "Screening of business partners", "Explain how new and existing business partners are checked for security practices and for signs of money laundering or terrorist financing.", true, nil},
	{"partners.2", "partners", "Security requirements in contracts", "Show how security expectations are written into agreements with service providers, and how their compliance is verified.", true, nil},
	{"partners.3", "partners", "Social compliance of suppliers", "Describe how suppliers are checked for forced labour and other social-compliance risks.", false, []string{"importer", "exporter", "foreign_manufacturer"}},

	{"cyber.1", "cyber", "A written cybersecurity policy", "Describe the policies that protect the systems used for trade: access control, patching, malware defence, and how they are kept up to date.", true, nil},
	{"cyber.2", "cyber", "Individual accounts and strong authentication", "Show that every user has their own account, passwords meet a policy, and remote access uses multi-factor authentication.", true, nil},
	{"cyber.3", "cyber", "Backups and recovery of data", "Explain how trade data is backed up, how often, where the copies are kept and how a restore is tested.", false, nil},

	{"conveyance.1", "conveyance", "Inspection of conveyances before loading", "Describe the inspection of trucks, containers, trailers and other instruments of international traffic before they are loaded, and how it is recorded.", true, cargoHandlers},
	{"conveyance.2", "conveyance", "Secure storage of conveyances", "Explain how empty and loaded conveyances are kept where no one can tamper with them.", true, cargoHandlers},
	{"conveyance.3", "conveyance", "Tracking of conveyances in transit", "Describe how shipments are monitored between pickup and delivery, and what happens on an unscheduled stop.", false, carriers},

	{"seals.1", "seals", "High-security seals on loaded containers", "Show that loaded containers and trailers are sealed with seals meeting ISO 17712, and who may apply them.", true, cargoHandlers},
	{"seals.2", "seals", "Control of seal stock", "Describe how seals are stored, issued, logged and reconciled, and how a missing seal is reported.", true, cargoHandlers},
	{"seals.3", "seals", "Seal verification at each hand-off", "Explain how the seal is checked (view, verify, tug, twist) whenever custody of the cargo changes.", false, cargoHandlers},

	{"procedural.1", "procedural", "Accurate shipping documents", "Describe how cargo documents are checked to be complete, legible and accurate before they are submitted.", true, nil},
	{"procedural.2", "procedural", "Reporting of anomalies", "Explain how staff report suspicious cargo, discrepancies and security breaches, and to whom, including the authority.", true, nil},
	{"procedural.3", "procedural", "Security of cargo staging areas", "Describe how cargo is protected while it is staged, loaded and unloaded.", false, cargoHandlers},

	{"agricultural.1", "agricultural", "Pest contamination prevention", "Describe how conveyances and cargo are inspected for visible pests, soil and plant material.", true, cargoHandlers},
	{"agricultural.2", "agricultural", "Compliant wood packaging", "Show that wood packaging material is treated and marked as the international standard (ISPM 15) requires.", true, []string{"importer", "exporter", "foreign_manufacturer"}},
	{"agricultural.3", "agricultural", "Cleaning of contaminated equipment", "Explain what is done when contamination is found, and how it is recorded.", false, cargoHandlers},

	{"physical.1", "physical", "Perimeter fencing and gates", "Describe the fences, gates and barriers that protect areas where cargo is handled or stored.", true, cargoHandlers},
	{"physical.2", "physical", "Lighting and cameras", "Describe the lighting of entrances, exits and cargo areas, and the video surveillance and how long recordings are kept.", true, cargoHandlers},
	{"physical.3", "physical", "Locking and key control", "Explain how doors, windows, gates and fences are locked and how keys and codes are controlled.", false, nil},

	{"access.1", "access", "Identification of employees and visitors", "Describe how employees, visitors and vendors are identified at entry, and how badges are issued and taken back.", true, nil},
	{"access.2", "access", "Challenge of unknown persons", "Explain how staff are expected to challenge and report people they do not recognise.", true, nil},
	{"access.3", "access", "Control of deliveries and mail", "Describe how deliveries, packages and mail are screened before they reach the premises.", false, nil},

	{"personnel.1", "personnel", "Checks before hiring", "Describe the verification of application information and the background checks made before hiring, as local law allows.", true, nil},
	{"personnel.2", "personnel", "A code of conduct", "Show that employees sign a code of conduct covering security, and how violations are handled.", true, nil},
	{"personnel.3", "personnel", "Removal of access when people leave", "Explain how badges, keys and system access are taken back when an employee leaves.", false, nil},

	{"training.1", "training", "A security awareness programme", "Describe the security training every employee gets when they start and each year after.", true, nil},
	{"training.2", "training", "Role-specific training", "Describe the extra training for staff who inspect conveyances, handle seals or work in shipping and receiving.", true, cargoHandlers},
	{"training.3", "training", "Cybersecurity awareness", "Explain how employees learn to recognise phishing and other cyber threats, and how the training is measured.", false, nil},
}

// ForEntityType returns the criteria that apply to an entity type, in
// catalogue order.
func ForEntityType(entityType string) []Criterion {
	var out []Criterion
	for _, c := range Catalogue {
		if c.AppliesTo(entityType) {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the criterion with the id.
func Get(id string) (Criterion, bool) {
	for _, c := range Catalogue {
		if c.ID == id {
			return c, true
		}
	}
	return Criterion{}, false
}
