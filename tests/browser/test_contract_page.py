"""The contract page in a real browser, in French and English: low-scoring items read "to verify" with the verdict as
a suggestion, the deciding rule in words, terms with their passages. Screenshots go to test-artifacts/."""

import re

from a11y import assert_accessible

DPA = """# Accord de traitement des données
## 1. Instructions
Le Sous-traitant traite les données personnelles uniquement sur instruction documentée du Client.
## 2. Sous-traitance ultérieure
Le Sous-traitant informe le Client au moins trente (30) jours à l'avance de tout nouveau sous-traitant.
Le Client peut s'opposer à un nouveau sous-traitant dans un délai de dix (10) jours ouvrés suivant la notification.

| Sous-traitant | Finalité | Pays |
|---|---|---|
| Hébergix SAS | Hébergement | France |
| Mailstream Inc. | Envoi de courriels | États-Unis |

## 3. Violations de données
Le Sous-traitant notifie au Client toute violation de données personnelles dans un délai de quarante-huit (48) heures.
## 4. Transferts
Les transferts reposent sur les clauses contractuelles types de la décision 2010/87/UE.
"""




def test_contract_page_marks_items_to_verify_and_shows_rules_in_words_in_both_languages(page, server, artifacts,
                                                                                          tmp_path, scores_with_a_weak_item):
    page.goto(f"{server}/orgs/acme/clients/new")
    page.fill("#legal_name", "Clinique du Parc")
    page.get_by_role("button", name="Créer").last.click()
    client_url = page.url.split("#")[0].rstrip("/")
    assert re.search(r"/clients/\d+$", client_url), client_url
    contract = tmp_path / "dpa.md"
    contract.write_text(DPA, encoding="utf-8")
    page.goto(f"{client_url}/contract")
    page.set_input_files("#file", str(contract))
    page.locator("form.upload-form button[type=submit]").click()
    page.wait_for_url(f"{client_url}/contract")

    to_verify = page.locator("tr[data-to-verify]")
    assert to_verify.count() > 0
    first = to_verify.first.inner_text()
    assert "À vérifier" in first and "Suggestion du contrôle" in first and "acceptés" in first
    instructions = page.locator("#item-art28_3_a").inner_text()
    assert "instruction" in instructions and "fr_instructions" not in instructions
    terms = page.locator("#terms").inner_text()
    assert "10 jours ouvrés" in terms and "30 jours" in terms and "48 heures" in terms
    assert "Hébergix SAS (FR)" in terms and "Mailstream Inc. (US)" in terms
    assert "2010" in page.locator("#outdated").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "contract-page-fr.png"), full_page=True)

    page.goto(f"{server}/lang/en?next=/")
    page.goto(f"{client_url}/contract")
    first = page.locator("tr[data-to-verify]").first.inner_text()
    assert "To verify" in first and "Checker's suggestion" in first and "accepted" in first
    assert "10 business days" in page.locator("#terms").inner_text()
    page.screenshot(path=str(artifacts / "contract-page-en.png"), full_page=True)
