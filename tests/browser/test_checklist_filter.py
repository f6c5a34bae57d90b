"""The filter box above a long checklist: it hides the boxes that do not match, accents aside, and never unticks one."""

from a11y import assert_accessible
from sqlmodel import Session, create_engine, select

NAMES = ["Amazon Web Services", "Brevo", "Cloudflare", "Datadog", "Élan Hébergement", "Freshworks", "Google Cloud",
         "Hetzner", "iSendPro", "Jotform", "Klaviyo", "Mailjet", "OVH", "Scaleway"]


def _engage(tmp_path) -> None:
    """The sub-processors straight into the served database (the server fixture's SQLite file in tmp_path)."""
    from registry.models import Organisation
    from registry.services.subprocessors import create_subprocessor

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        for name in NAMES:
            create_subprocessor(session, org, {"legal_name": name, "status": "active"}, "test")
        session.commit()
    engine.dispose()


def test_checklist_filter_matches_without_accents_and_keeps_ticked_boxes(page, server, tmp_path, artifacts):
    _engage(tmp_path)
    page.goto(f"{server}/orgs/acme/breaches/new")
    assert_accessible(page)
    page.get_by_label("OVH", exact=True).check()
    box = page.get_by_role("searchbox", name="Filtrer la liste", exact=False)
    box.fill("heberg")  # typed without the accents of "Hébergement"
    shown = page.locator("ul.checklist > li:visible").all_inner_texts()
    assert [t.strip() for t in shown] == ["Élan Hébergement", "OVH"]  # OVH stays: it is ticked
    page.screenshot(path=str(artifacts / "checklist-filter-fr.png"))
    box.fill("")
    assert [t.strip() for t in page.locator("ul.checklist > li:visible").all_inner_texts()] == NAMES  # French order
    assert page.get_by_label("OVH", exact=True).is_checked()
