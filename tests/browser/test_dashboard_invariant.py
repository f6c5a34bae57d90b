"""The dashboard of a demo organisation, read in Chromium: each number it shows is the number of flagged rows of the
list its link opens (the DPO follows the link and counts the rows, every page of the list)."""

import re

import pytest
from a11y import assert_accessible
from live import demo_server, log_in_demo

AREAS = ("activities", "clients", "subprocessors", "transfers", "retention")


def shown_number(text: str) -> int:
    """The number in a link's text ("manquant 3", "17 enregistrements signalés"), French spaces included."""
    found = re.search(r"\d[\d\s\u202f\xa0,]*", text)
    assert found, f"no number in {text!r}"
    return int(re.sub(r"\D", "", found.group(0)))


def flagged_rows(page) -> int:
    """The rows of the list as shown, following its pages; each must show a flag in its "to check" cell."""
    rows = 0
    while True:
        assert_accessible(page)
        body = page.locator("table.grid tbody tr")
        for n in range(body.count()):
            assert body.nth(n).locator("td.num").inner_text().strip(), f"an unflagged row in {page.url}"
        rows += body.count()
        following = page.locator("nav.pager a[rel=next]")
        if not following.count():
            return rows
        following.click()


@pytest.fixture
def demo_page(browser, sqlite_templates, tmp_path):
    with demo_server(sqlite_templates["demo"], tmp_path) as server:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in_demo(page, server)
        yield page, server
        context.close()


@pytest.mark.parametrize("slug", ["defi-informatique", "pilotim"])
def test_each_dashboard_number_is_the_flagged_rows_of_the_list_it_opens(demo_page, artifacts, slug):
    page, server = demo_page
    board = f"{server}/orgs/{slug}/"
    page.goto(board)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"dashboard-invariant-{slug}-fr.png"), full_page=True)
    checked = 0
    for area in AREAS:
        page.goto(board)
        card = page.locator(f"#board-{area}")
        links = card.locator("h2 a.count, p.tally a")
        wanted = [(links.nth(n).get_attribute("href"), shown_number(links.nth(n).inner_text()))
                  for n in range(links.count())]
        assert wanted, f"{slug}: the {area} card links to no list"
        for n, (href, number) in enumerate(wanted):
            page.goto(board)
            page.locator(f"#board-{area}").locator("h2 a.count, p.tally a").nth(n).click()  # as the DPO does
            assert page.url.endswith(href), (page.url, href)
            stated = shown_number(page.locator("p.resultcount").inner_text())
            assert flagged_rows(page) == stated == number, (slug, area, href)
            checked += 1
        if area == "activities" and slug == "defi-informatique":
            assert wanted[0][1] > 0, "every DEFI activity has items to check: the dashboard must not say 0"
    assert checked >= 3 * len(AREAS)
