package criteria

// TradeComplianceCategories are the groups of the CTPAT Trade Compliance
// questionnaire, in the order of its criteria: how an importer keeps its
// customs declarations right, written in the portal's own words.
var TradeComplianceCategories = []Category{
	{"controls", "Internal controls and compliance management"},
	{"classification", "Tariff classification"},
	{"valuation", "Customs valuation"},
	{"origin", "Country of origin and marking"},
	{"recordkeeping", "Recordkeeping"},
	{"trade_programs", "Free trade agreements and special programmes"},
	{"drawback", "Duty drawback"},
	{"ipr", "Intellectual property rights"},
	{"adcvd", "Antidumping and countervailing duties"},
	{"reconciliation", "Reconciliation"},
	{"post_entry", "Post-entry amendments and prior disclosure"},
}

// Entity types by what they do with customs declarations.
var (
	importers = []string{"importer"}
	// declarants classify goods and prepare or file their declarations.
	declarants = []string{"importer", "exporter", "customs_broker", "ftz_operator"}
	// entryFilers make or file import entries.
	entryFilers = []string{"importer", "customs_broker", "ftz_operator"}
	// preferenceClaimants claim preferences, drawback and origin for goods.
	preferenceClaimants = []string{"importer", "exporter", "customs_broker"}
	// goodsOwners buy, make or sell the goods themselves.
	goodsOwners = []string{"importer", "exporter", "foreign_manufacturer"}
)

// TradeComplianceCatalogue is every criterion of the Trade Compliance
// questionnaire, in category order. Ids do not repeat those of the security
// catalogue. A required criterion that does not fit the company's business
// (drawback for a company that claims none) is answered not_applicable.
var TradeComplianceCatalogue = []Criterion{
	{"controls.1", "controls", "A written trade compliance programme", "Describe the written procedures that govern customs matters: who owns them, which activities they cover, how often they are updated and who approves a change.", true, nil},
	{"controls.2", "controls", "Separation of duties and supervisory checks", "Explain how preparing, checking and approving customs information are split between people, and how a supervisor checks a sample of transactions.", true, nil},
	{"controls.3", "controls", "Self-testing and corrective action", "Show how the company tests its own customs transactions on a schedule, records what it finds and follows each error through to a fix.", true, nil},
	{"controls.4", "controls", "Oversight of customs brokers", "Describe how instructions to brokers are written down, how their filings are compared with the company's own records and how their work is reviewed.", false, []string{"importer", "exporter"}},

	{"classification.1", "classification", "A classification procedure and record", "Describe how each product is given its tariff number, where the decision and its reasoning are recorded, and who may change it.", true, declarants},
	{"classification.2", "classification", "Trained classifiers and expert advice", "Explain the training of the people who classify goods, and when binding rulings, counsel or the authority's guidance are sought for hard cases.", true, declarants},
	{"classification.3", "classification", "Review when products or the tariff change", "Describe how classifications are checked again when a product is redesigned, a new product is introduced or the tariff schedule is amended.", false, declarants},

	{"valuation.1", "valuation", "Declared value matches the transaction", "Explain how the declared value is reconciled with purchase orders, invoices and payments, and how a difference is investigated.", true, entryFilers},
	{"valuation.2", "valuation", "Additions to the price paid", "Describe how assists, royalties and licence fees, selling commissions and proceeds of resale are found and added to the declared value.", true, importers},
	{"valuation.3", "valuation", "Purchases from related sellers", "Show how prices paid to a related seller are tested to be at arm's length, and how transfer-pricing adjustments made after entry are reported.", false, importers},

	{"origin.1", "origin", "Determining the country of origin", "Describe how the country of origin of each product is determined, above all for goods processed in more than one country, and how the facts behind it are kept.", true, append([]string{"customs_broker"}, goodsOwners...)},
	{"origin.2", "origin", "Marking of imported goods", "Explain how goods and their containers are marked with their country of origin as the rules require, and what happens when the marking is missing.", true, importers},
	{"origin.3", "origin", "Suppliers' statements of origin", "Describe how suppliers' statements about origin are collected, checked against production records and renewed.", false, goodsOwners},

	{"recordkeeping.1", "recordkeeping", "Records kept for the required period", "Describe which entry, financial and shipping records are kept, where, in what form and for how long, and who answers for them.", true, nil},
	{"recordkeeping.2", "recordkeeping", "Producing records on request", "Explain how records the authority asks for are found and supplied by the deadline, and who coordinates the answer.", true, nil},
	{"recordkeeping.3", "recordkeeping", "Safe electronic records", "Describe how electronic records are backed up, protected from alteration and kept readable when systems change.", false, nil},

	{"trade_programs.1", "trade_programs", "Eligibility checked before a preference is claimed", "Describe how the company confirms that goods meet an agreement's or programme's rules before it claims preferential treatment, and who signs the claim off.", true, preferenceClaimants},
	{"trade_programs.2", "trade_programs", "Certificates and their support on file", "Explain how certifications or statements of origin, and the production records behind them, are obtained, checked and kept for each claim.", true, preferenceClaimants},
	{"trade_programs.3", "trade_programs", "Withdrawing claims that prove wrong", "Describe how a preference claim found to be unsupported is corrected and the duty owed is paid.", false, preferenceClaimants},

	{"drawback.1", "drawback", "Matching exports to the imports they draw on", "If the company claims drawback, describe how each export or destruction is linked to the import (or substituted goods) it draws on, and how a second claim on the same goods is prevented. A company that claims none answers not applicable.", true, preferenceClaimants},
	{"drawback.2", "drawback", "Records behind each drawback claim", "Describe the records kept for each claim (import entries, proof of export, manufacturing records) and how they are reconciled before filing.", false, preferenceClaimants},

	{"ipr.1", "ipr", "No infringing goods", "Explain how the company makes sure the goods it buys or makes carry no counterfeit trademarks or pirated copyrighted material, including goods made under licence.", true, goodsOwners},
	{"ipr.2", "ipr", "Licences on file", "Describe how licences to use a trademark or copyright are kept and checked against what is shipped.", false, goodsOwners},

	{"adcvd.1", "adcvd", "Finding goods subject to an order", "Describe how products are screened against antidumping and countervailing duty orders, including each order's scope and the producers and exporters it names.", true, entryFilers},
	{"adcvd.2", "adcvd", "Deposits, certifications and evasion", "Explain how cash deposit rates are applied, how required certifications are obtained, and how the company guards against transshipment or misdescription that would evade an order.", true, importers},

	{"reconciliation.1", "reconciliation", "Flagging entries that are not final", "If the company uses reconciliation, describe how entries are flagged when their value or another element is not yet known, and how each element is tracked until it is final.", false, []string{"importer", "customs_broker"}},
	{"reconciliation.2", "reconciliation", "Filing the reconciliation on time", "Describe how the reconciliation entry is prepared, checked and filed before its deadline.", false, []string{"importer", "customs_broker"}},

	{"post_entry.1", "post_entry", "Correcting errors after entry", "Describe how an error found after an entry is filed is corrected (a post-summary correction, a protest) and how quickly.", true, nil},
	{"post_entry.2", "post_entry", "Voluntary disclosure of violations", "Explain how the company decides to disclose a possible violation to the authority before it is discovered, who decides, and how the lost duty is worked out and paid.", true, nil},
	{"post_entry.3", "post_entry", "Learning from corrections", "Describe how each correction is traced to its cause, and how procedures or training change so the error does not recur.", false, nil},
}
