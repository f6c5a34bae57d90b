"""The DPO's main path in a real browser: a US processing location is flagged until an SCC transfer covers it."""

from a11y import assert_accessible


def test_us_location_is_flagged_until_an_scc_module_3_transfer_is_recorded(page, server, artifacts):
    page.goto(f"{server}/orgs/acme/subprocessors/new")
    assert_accessible(page)
    page.get_by_label("Raison sociale").fill("Cloud Analytics Inc.")
    page.get_by_label("Service fourni").fill("Analyse d'audience")
    page.select_option("#country", "US")
    # Its identity and contact as Art. 30(2)(a) asks, so the US location is the one point left to fix.
    page.fill("#address", "100 Main Street, Seattle, WA 98101")
    page.fill("#contact_email", "privacy@cloud-analytics.example")
    page.fill("#contact_name", "Privacy Office")
    page.get_by_label("Contrat de sous-traitance signé le").fill("2025-01-15")
    page.select_option("#locations-0-country", "US")
    page.fill("#locations-0-site", "us-east-1")
    page.screenshot(path=str(artifacts / "form-fr.png"), full_page=True)
    page.get_by_role("button", name="Créer").click()

    flag = page.locator('[data-code="location_needs_safeguards"]')
    assert "États-Unis" in flag.inner_text() and "Art. 44" in flag.inner_text()
    detail_url = page.url
    assert_accessible(page)

    page.get_by_role("link", name="Tableau de bord").click()
    assert_accessible(page)
    board = page.locator("#board-subprocessors")
    assert "Cloud Analytics Inc." in board.inner_text()
    assert "Données traitées en États-Unis" in board.inner_text() or "États-Unis" in board.inner_text()
    page.screenshot(path=str(artifacts / "dashboard-fr.png"), full_page=True)

    page.goto(detail_url)
    flag.get_by_role("link").click()  # "Corriger": a transfer form prefilled from the flag
    assert_accessible(page)
    assert page.locator("#destination_country").input_value() == "US"
    page.select_option("#mechanism", "scc")
    page.select_option("#scc_module", "3")
    page.fill("#tia_date", "2025-01-20")
    page.fill("#document_reference", "DPA Cloud Analytics, annexe SCC module 3")
    page.get_by_role("button", name="Créer").click()
    assert "/transfers/" in page.url
    assert_accessible(page)

    page.goto(detail_url)
    assert page.locator('[data-code="location_needs_safeguards"]').count() == 0
    page.get_by_role("link", name="Tableau de bord").click()
    assert "Cloud Analytics Inc." not in page.locator("#board-subprocessors").inner_text()

    page.get_by_role("link", name="EN", exact=True).click()
    assert_accessible(page)
    title = page.locator("h2#board-subprocessors-title").inner_text()
    assert title.startswith("Sub-processors (Art. 28)") and "\n0\n" in title  # nothing flagged once covered
    assert page.get_by_role("link", name="Dashboard").is_visible()
    page.screenshot(path=str(artifacts / "dashboard-en.png"), full_page=True)
    page.goto(f"{server}/orgs/acme/subprocessors/new")
    assert page.get_by_label("Legal name").is_visible()
    page.screenshot(path=str(artifacts / "form-en.png"), full_page=True)


def test_forms_work_without_javascript_and_by_keyboard(browser, server, log_in):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page)
    page.goto(f"{server}/orgs/acme/subprocessors/new")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.get_by_label("Raison sociale").fill("OVH SAS")
    page.select_option("#locations-0-country", "FR")
    page.get_by_role("button", name="Ajouter une ligne").click()  # no script: the server adds the row
    page.select_option("#locations-1-country", "CA")
    page.get_by_label("Raison sociale").press("Enter")  # Enter saves; it does not add a row
    assert "OVH SAS" in page.locator("h1").inner_text()
    assert "Canada" in page.locator("#show-locations").inner_text()
    context.close()
