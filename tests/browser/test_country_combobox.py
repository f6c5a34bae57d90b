"""The country field of a sub-processor in a real browser: typing narrows the list, only a picked country is saved."""

import pytest
from a11y import assert_accessible

NEW = "/orgs/acme/subprocessors/new"
LABELS = {  # per interface language: legal name, country of establishment, create button, save button
    "fr": ("Raison sociale", "Pays d'établissement", "Créer", "Enregistrer"),
    "en": ("Legal name", "Country of establishment", "Create", "Save"),
}


def _open_form(page, server, lang: str) -> None:
    page.goto(f"{server}{NEW}")
    if lang == "en":
        page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()  # the switch in the page header
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)


def _type_country(page, lang: str, text: str, by_keyboard: bool = False):
    """Type into the country combobox key by key, as a person does; returns the combobox."""
    combo = page.get_by_role("combobox", name=LABELS[lang][1], exact=True)
    if by_keyboard:
        page.locator("#address").focus()
        page.keyboard.press("Tab")  # the field after the address, in the tab order
    else:
        _box(page).click()  # the visible box: its text input stays out of sight until the box has the focus
    assert page.evaluate("document.activeElement.id") == combo.get_attribute("id")
    page.keyboard.type(text, delay=20)
    return combo


def _box(page):
    return page.locator("#country-ts-control").locator("xpath=..")


@pytest.mark.parametrize(
    ("lang", "typed", "shown", "code", "pick"),
    [
        ("fr", "États-Unis", "États-Unis", "US", "click"),
        ("fr", "Allemagne", "Allemagne", "DE", "enter"),
        ("en", "United States", "United States", "US", "enter"),
        ("en", "Germany", "Germany", "DE", "click"),
    ],
)
def test_the_country_typed_and_picked_is_the_country_saved(page, server, artifacts, lang, typed, shown, code, pick):
    _open_form(page, server, lang)
    name, _country, create, _save = LABELS[lang]
    page.get_by_label(name).fill(f"Sub-processor in {code}")
    combo = _type_country(page, lang, typed, by_keyboard=pick == "enter")
    # While typing, the form's field has not moved: nothing is picked for the person.
    assert page.locator("#country").input_value() == ""
    listbox = page.get_by_role("listbox", name=LABELS[lang][1], exact=True)
    option = listbox.get_by_role("option", name=f"{shown} ({code})", exact=True)
    if pick == "click":
        option.click()
    else:
        highlighted = listbox.locator("[role=option][aria-selected=true]")  # the option Enter picks
        highlighted.wait_for()  # the list is narrowed a moment after the last key
        assert highlighted.inner_text() == f"{shown} ({code})"
        combo.press("Enter")
    assert page.locator("#country").input_value() == code
    page.get_by_role("button", name=create, exact=True).click()

    assert "/subprocessors/" in page.url and not page.url.endswith("/new")
    assert_accessible(page)
    assert shown in page.locator("#show-country").inner_text()


def test_typing_without_picking_keeps_the_recorded_country(page, server, artifacts):
    _open_form(page, server, "en")
    page.get_by_label("Legal name").fill("Cloud Hosting SAS")
    _type_country(page, "en", "France")
    page.get_by_role("option", name="France (FR)", exact=True).click()
    page.get_by_role("button", name="Create", exact=True).click()
    page.get_by_role("link", name="Edit", exact=True).click()
    assert_accessible(page)

    combo = _type_country(page, "en", "Germany")
    assert page.get_by_role("option", name="Germany (DE)", exact=True).is_visible()
    page.screenshot(path=str(artifacts / "combobox-typed-en.png"))
    combo.press("Tab")  # leaves the field without picking
    assert page.locator("#country").input_value() == "FR"
    assert _box(page).inner_text().strip() == "France (FR)"  # the box shows the value the form will send
    assert page.locator("#country-ts-control").input_value() == ""
    page.get_by_role("button", name="Save", exact=True).click()
    assert "France" in page.locator("#show-country").inner_text()
    assert "Germany" not in page.locator("#show-country").inner_text()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_open_combobox_lists_countries_in_the_languages_order(page, server, artifacts, lang):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    _open_form(page, server, lang)
    assert requested and all(url.startswith(server) for url in requested)  # the combobox comes from the app itself
    combo = page.get_by_role("combobox", name=LABELS[lang][1], exact=True)
    _box(page).click()
    options = page.locator(f"#{combo.get_attribute('aria-controls')} [role=option]")
    options.first.wait_for()  # the list is drawn a moment after the box opens
    texts = options.all_inner_texts()
    assert len(texts) > 240  # every country can be reached by scrolling, not only the first 50
    if lang == "fr":
        assert texts.index("Égypte (EG)") == texts.index("Dominique (DM)") + 1
        assert texts.index("Égypte (EG)") < texts.index("Équateur (EC)") < texts.index("Estonie (EE)") < texts.index("Fidji (FJ)")
    page.keyboard.type("ger" if lang == "en" else "all", delay=20)
    assert_accessible(page)  # the open list, narrowed
    page.screenshot(path=str(artifacts / f"combobox-open-{lang}.png"))
    page.keyboard.type("qqq")
    none = {"fr": "Aucun choix ne correspond à ce texte.", "en": "No option matches this text."}[lang]
    page.locator(".ts-dropdown .no-results", has_text=none).wait_for()


def test_enter_right_after_the_last_key_picks_from_the_whole_text(page, server):
    _open_form(page, server, "en")
    _type_country(page, "en", "Niger")
    listbox = page.get_by_role("listbox", name="Country of establishment", exact=True)
    assert listbox.locator("[role=option][aria-selected=true]").inner_text() == "Niger (NE)"
    page.keyboard.type("ia")  # a fast typist: no pause before Enter
    page.keyboard.press("Enter")
    assert page.locator("#country").input_value() == "NG"
