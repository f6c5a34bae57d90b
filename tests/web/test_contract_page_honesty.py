"""The contract page says how far each verdict can be trusted: its score on the corpus, "to verify" below 80 %,
what the deciding rule looked for in words of the interface language, and refusals translated with their values."""

import re

from flask_babel import force_locale

from registry.domain.contracts.reliability import item_reliability
from registry.domain.contracts.rules import ITEMS
from registry.services import contract_files as ex
from registry.views import contract_display
from tests.web.test_contracts_web import dpo_of, first_client, upload  # noqa: F401

DPA = """# Accord de sous-traitance
## 1. Instructions
Le Sous-traitant traite les données personnelles uniquement sur instruction documentée du Client.
## 2. Sous-traitance ultérieure
Le Client peut s'opposer à un nouveau sous-traitant dans un délai de dix (10) jours ouvrés suivant la notification.
| Sous-traitant | Finalité | Pays |
|---|---|---|
| Hébergix SAS | Hébergement | France |
## 3. Violations
Le Sous-traitant notifie au Client toute violation de données personnelles dans les 24 heures.
""".encode()




def row(page: str, code: str) -> str:
    return re.search(rf'<tr[^>]*id="item-{code}">(.*?)</tr>', page, re.S).group(1)


def test_each_item_shows_its_corpus_score_and_low_scoring_items_are_to_verify_with_the_suggestion(
        dpo_of, demo, scores_with_a_weak_item):  # noqa: F811
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    assert upload(web, "clients", target.id, DPA, "dpa.md").status_code == 302
    page = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    scores = scores_with_a_weak_item
    weak_items = [i.code for i in ITEMS if item_reliability(i.code).to_verify]
    strong_items = [i.code for i in ITEMS if not item_reliability(i.code).to_verify]
    assert "art28_3_f" in weak_items and strong_items
    for code in weak_items:
        cells = row(page, code)
        s = scores.items[code]
        assert "verdict-to_verify" in cells and "To verify" in cells
        assert re.search(r"Checker(?:&#39;|')s suggestion:", cells)  # the verdict stays visible as a suggestion
        assert f"{s.accepted} of {s.total} accepted" in cells
    for code in strong_items:
        cells = row(page, code)
        assert "verdict-to_verify" not in cells and f"{scores.items[code].accepted} of" in cells
    assert f"on {scores.documents} public contracts" in page


def test_rule_is_shown_in_words_of_the_interface_language_with_its_id_kept_for_support(
        dpo_of, demo, scores_with_a_weak_item):  # noqa: F811
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    upload(web, "clients", target.id, DPA, "dpa.md")
    web.get("/lang/fr")
    page = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    cells = row(page, "art28_3_a")
    assert "instruction écrite ou documentée du responsable du traitement" in re.sub(r"<[^>]+>", " ", cells)
    visible = re.sub(r'<[^>]+>', " ", page)
    assert "fr_instructions_documentees" not in visible and 'data-rule="fr_instructions_documentees"' in cells
    assert "À vérifier" in page and "Sur le corpus" in page


def test_terms_show_business_days_as_such_with_their_quote_and_names_from_a_table(dpo_of, demo):  # noqa: F811
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    upload(web, "clients", target.id, DPA, "dpa.md")
    page = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    terms = page[page.index('id="terms"'):page.index('id="outdated"')]
    assert "10 business days" in terms and "dix (10) jours ouvrés" in terms
    assert "Hébergix SAS (FR)" in terms and "24 hours" in terms
    web.get("/lang/fr")
    french = web.get(f"/orgs/pilotim/clients/{target.id}/contract").get_data(as_text=True)
    assert "10 jours ouvrés" in french


def test_refusal_is_translated_from_its_msgid_with_numbers_formatted_for_the_language(dpo_of, demo, app):  # noqa: F811
    web = dpo_of("pilotim")
    target = first_client(demo, "pilotim")
    assert "The file is empty." in upload(web, "clients", target.id, b"", "empty.txt").get_data(as_text=True)
    web.get("/lang/fr")
    assert "Le fichier est vide." in upload(web, "clients", target.id, b"", "empty.txt").get_data(as_text=True)
    # The file is read in a child process (its limits are not this process's): the numbers of a refusal travel as
    # values and are formatted for the language where the message is shown.
    refused = ex.ContractFileError(ex.N_("The document holds more than %(limit)s characters of text."), limit=1000)
    with app.test_request_context():
        with force_locale("en"):
            assert contract_display.refusal_message(refused) == "The document holds more than 1,000 characters of text."
        with force_locale("fr"):
            assert re.fullmatch(r"Le document contient plus de 1\s000 caractères de texte\.",
                                contract_display.refusal_message(refused))


def test_every_rule_description_has_french_words_for_the_contract_page():
    from pathlib import Path

    from registry.domain.contracts.rules import RULES
    from registry.i18n import read_catalog

    catalog = read_catalog(Path(__file__).resolve().parents[2] / "registry/translations/fr/LC_MESSAGES")
    assert sorted({r.doc for r in RULES if not (catalog.get(r.doc) and catalog.get(r.doc).string)}) == []
