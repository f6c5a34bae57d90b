"""Segmentation, pattern rules, term extraction and outdated references on short French and English clauses.

These clauses were written apart from the seed contracts, to see how the rules carry over to other wording.
"""

import pytest

from registry.domain.contracts.check import check_lines, document_languages
from registry.domain.contracts.rules import ITEMS, RULES
from registry.domain.contracts.segment import SourceLine, fold, passages, segment


def lines(text: str) -> list[SourceLine]:
    return [SourceLine(None, i, t) for i, t in enumerate(text.splitlines(), 1)]


def check(text: str):
    return check_lines(lines(text))


def verdicts(text: str) -> dict[str, str]:
    return {v.code: v.verdict for v in check(text).items}


EN_DPA = """# Data Processing Agreement
## 1. Processing
The Processor shall process Personal Data only on documented instructions from the Controller, including with regard to transfers.
## 2. Confidentiality
The Processor ensures that persons authorised to process the personal data have committed themselves to confidentiality.
## 3. Security
The Processor shall implement appropriate technical and organisational measures to ensure a level of security appropriate to the risk.
## 4. Sub-processors
The Processor shall not engage another processor without prior specific or general written authorisation of the Controller. The Processor shall inform the Controller of any intended changes concerning the addition or replacement of other processors, thereby giving the Controller the opportunity to object to such changes within 30 days.
Where the Processor engages another processor, the same data protection obligations as set out in this Agreement shall be imposed on that other processor.
## 5. Assistance
The Processor shall assist the Controller by appropriate technical and organisational measures for the fulfilment of the Controller's obligation to respond to requests for exercising the data subject's rights.
The Processor shall assist the Controller in ensuring compliance with the obligations pursuant to Articles 32 to 36 GDPR.
## 6. End
At the choice of the Controller, the Processor shall delete or return all the personal data after the end of the provision of services.
## 7. Audits
The Processor shall allow for and contribute to audits, including inspections, conducted by the Controller. Audits may take place once per year with 30 days' notice.
## 8. Breaches
The Processor shall notify the Controller without undue delay and in any event within 48 hours after becoming aware of a personal data breach.
## 9. Transfers
Any transfer of personal data outside the EEA shall be governed by the standard contractual clauses of Commission Implementing Decision (EU) 2021/914.
## 10. Records
The Processor shall maintain a record of all categories of processing activities carried out on behalf of the Controller.
"""


def test_english_dpa_that_copies_article_28_has_every_item_present():
    assert set(verdicts(EN_DPA).values()) == {"present"}


def test_english_dpa_terms_are_read_as_values():
    t = check(EN_DPA).terms
    assert (t["objection_period_days"], t["breach_notice_hours"]) == (30, 48)
    assert (t["audits_per_year"], t["audit_notice_days"]) == (1, 30)
    assert t["transfer_mechanisms"] == ["scc_2021"]


@pytest.mark.parametrize("text,code,verdict,rule", [
    ("Vendor may use subcontractors at its discretion for the personal data.", "art28_2", "weak", "en_bare_permission"),
    ("Vendor will forward any request from a data subject about personal data to Customer.", "art28_3_e", "weak",
     "en_forward_only"),
    ("Vendor will provide its SOC 2 audit report on personal data upon request.", "art28_3_h", "weak", "en_reports_only"),
    ("Customer personal data will be deleted at the end of the agreement.", "art28_3_g", "weak", "en_deletion_at_end"),
    ("Le prestataire peut s'adjoindre tout tiers pour traiter les données personnelles.", "art28_2", "missing",
     "fr_tout_tiers_sans_autorisation"),
    ("Le Sous-traitant garantit la confidentialité des données personnelles ; son personnel est soumis au secret.",
     "art28_3_b", "present", "fr_personnes_autorisees_confidentialite"),
    ("Au terme de la prestation, le Sous-traitant s'engage, selon le choix du Responsable, à supprimer ou à renvoyer "
     "les données personnelles.", "art28_3_g", "present", "fr_restitution_au_choix"),
    ("Le Responsable peut réaliser un audit sur site des traitements de données personnelles.", "art28_3_h", "present",
     "fr_audits_inspections"),
    ("Le sous-traitant informe le client de tout changement concernant l'ajout de sous-traitants (données personnelles).",
     "art28_2", "weak", "fr_information_sans_objection"),
])
def test_rule_decides_item_on_wording_it_was_not_written_on(text, code, verdict, rule):
    v = next(v for v in check(text).items if v.code == code)
    assert (v.verdict, v.rule) == (verdict, rule)
    assert v.quote and v.line == 1


def test_service_features_without_any_personal_data_clause_are_at_most_weak():
    text = "ARTICLE 3 – SÉCURITÉ\nLe prestataire met en œuvre des mesures techniques et organisationnelles pour le serveur."
    v = next(v for v in check(text).items if v.code == "art28_3_c")
    assert v.verdict == "weak" and v.rule.endswith("no_personal_data_clause")


def test_english_rules_do_not_fire_on_french_text():
    text = ("Les données personnelles sont traitées dans le respect de la confidentialité et de la loi. "
            "Le client est responsable des données et des traitements.")
    assert document_languages(passages(segment(lines(text)))) == {"fr"}
    assert verdicts(text)["art28_3_b"] != "present"


def test_two_different_breach_delays_are_reported_as_a_conflict_with_both_values():
    text = ("Le Sous-traitant notifie au Responsable toute violation de données personnelles dans un délai de 24 heures.\n"
            "Le Sous-traitant notifie au Responsable toute violation de données dans un délai de 72 heures.")
    result = check(text)
    assert result.conflicts[0]["term"] == "breach_notice_hours"
    assert [v["value"] for v in result.conflicts[0]["values"]] == [24, 72]
    assert [v["line"] for v in result.conflicts[0]["values"]] == [1, 2]


def test_the_same_value_stated_twice_is_not_a_conflict():
    text = ("Le client peut émettre des objections au nouveau sous-traitant dans un délai de quinze (15) jours. "
            "A l'issue de la période de quinze (15) jours, le sous-traitant est accepté.")
    result = check(text)
    assert result.terms["objection_period_days"] == 15 and result.conflicts == []


@pytest.mark.parametrize("text,codes", [
    ("Transfers to the United States rely on the EU-U.S. Privacy Shield for personal data.", ["privacy_shield"]),
    ("The transfer is covered by the Safe Harbor principles for personal data.", ["safe_harbor"]),
    ("Personal data are processed in accordance with Directive 95/46/EC.", ["directive_95_46"]),
    ("Le RGPD, règlement (UE) 2016/679 abrogeant la directive 95/46/CE, s'applique aux données personnelles.", []),
    ("Les transferts sont encadrés par les clauses contractuelles types (décision 2010/87/UE).", ["scc_2010"]),
    ("Ce traitement a fait l'objet d'une déclaration à la CNIL sous le n° XXX.", ["cnil_declaration"]),
    ("Droit d'accès selon la loi n° 78-17 du 6 janvier 1978.", ["law_1978_without_gdpr"]),
    ("Droit d'accès selon la loi n° 78-17 du 6 janvier 1978 et le RGPD.", []),
])
def test_outdated_references_are_flagged(text, codes):
    assert [o["code"] for o in check(text).outdated] == codes


def test_outdated_cnil_declaration_says_the_number_was_never_filled_in():
    out = check("Ce traitement a fait l'objet d'une déclaration à la CNIL sous le n° XXX.").outdated
    assert "XXX" in out[0]["label"]


def test_headings_and_numbering_start_clauses_and_wrapped_lines_join_into_sentences():
    text = ("ARTICLE 5 – DONNEES PERSONNELLES\n\nPILOTIM s'engage à ne traiter les données que sur\n\n"
            "demande écrite du Client.\n5.1 Sous-traitance\nLe prestataire est autorisé à sous-traiter.\n"
            "Annexe 4 – Traitements\n2.4.1 Le Prestataire peut faire appel à un autre sous-traitant, sous conditions.")
    clauses = segment(lines(text))
    assert [c.label for c in clauses] == ["5 DONNEES PERSONNELLES", "5.1 Sous-traitance", "Annexe 4 Traitements", "2.4.1"]
    first = clauses[0].passages[0]
    assert first.text.endswith("demande écrite du Client.") and first.line == 3
    assert clauses[3].passages[0].text.startswith("Le Prestataire peut faire appel")


def test_list_items_keep_the_sentence_that_introduces_them():
    text = "Le Prestataire veille à ce que les personnes autorisées :\n• s'engagent à respecter la confidentialité ;"
    v = next(v for v in check(text + "\nDonnées personnelles.").items if v.code == "art28_3_b")
    assert v.verdict == "present" and "personnes autorisées" in v.quote and v.line == 2


def test_abbreviations_do_not_end_sentences():
    ps = passages(segment(lines("Transfers rely on the EU-U.S. Data Privacy Framework. See art. 28 GDPR.")))
    assert [p.text for p in ps] == ["Transfers rely on the EU-U.S. Data Privacy Framework.", "See art. 28 GDPR."]


def test_fold_drops_accents_case_and_curly_quotes():
    assert fold("Délai  d’OBJECTION «15»") == "delai d'objection \"15\""


def test_every_item_has_rules_in_both_languages_and_rule_names_are_unique():
    assert len({r.name for r in RULES}) == len(RULES)
    for item in ITEMS:
        assert {r.lang for r in RULES if r.item == item.code} == {"fr", "en"}, item.code
