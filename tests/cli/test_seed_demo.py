"""`seed-demo` builds the five organisations from the contracts, with their facts, and never duplicates them."""

from sqlalchemy import func, select

from registry.models import Activity, ClientController, Organisation, RetentionRule, SubProcessor, Transfer
from registry.services.organisations import get_by_slug

PILOTIM_SUBPROCESSORS = {
    "OVH", "Gandi", "OpenAI, L.L.C.", "Google Ireland Limited", "Ubiflow", "SeLoger", "LeBonCoin", "Bien'Ici",
    "Logic-Immo", "Vitrine Media", "Opinion System", "YouSign", "iSendPro", "SMS Factor",
    "Protexa – La Boîte Immo", "AMEPI", "MLS Côte d'Azur",
    "Google LLC",  # level 2: engaged by Google Ireland Limited, the recipient of its transfer to the US
}


def seeded(runner, session):
    """The demo organisations, seeded by the seed-demo command itself."""
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return lambda slug: get_by_slug(session, slug)


def cloned(demo):
    """The same demo, cloned from the run's seeded template (seed_demo is what seed-demo runs)."""
    return lambda slug: get_by_slug(demo, slug)


def of(session, model, org):
    return list(session.execute(select(model).where(model.organisation_id == org.id).order_by(model.id)).scalars())


def test_seed_demo_creates_the_five_organisations_once(runner, session):
    seeded(runner, session)
    again = runner.invoke(args=["seed-demo"])
    assert "nothing created" in again.output
    slugs = session.execute(select(Organisation.slug).order_by(Organisation.slug)).scalars().all()
    assert slugs == ["apex-timing", "art-zone", "defi-informatique", "ginger-minds", "pilotim"]
    assert session.execute(select(func.count()).select_from(SubProcessor)).scalar_one() == 20  # PILOTIM 18 (Google LLC below Google Ireland), OVH at DEFI, the unnamed host of GINGER MINDS


def test_pilotim_has_its_17_subprocessors_google_llc_below_google_ireland_and_us_transfers_under_scc(demo):
    session = demo
    org = cloned(demo)("pilotim")
    assert {sp.legal_name for sp in of(session, SubProcessor, org)} == PILOTIM_SUBPROCESSORS
    transfers = of(session, Transfer, org)
    assert {(t.recipient, t.destination_country, t.mechanism, t.scc_module) for t in transfers} == {
        ("OpenAI, L.L.C.", "US", "scc", 3), ("Google LLC", "US", "scc", 3)}
    subs = {sp.legal_name: sp for sp in of(session, SubProcessor, org)}
    google, llc = subs["Google Ireland Limited"], subs["Google LLC"]
    assert google.country == "IE" and google.locations == [] and google.parent_id is None
    # The US transfer is Google Ireland's onward one, not PILOTIM's: recorded on Google LLC, exported by a processor.
    assert llc.parent_id == google.id and llc.country == "US" and [loc.country for loc in llc.locations] == ["US"]
    onward = next(t for t in transfers if t.recipient == "Google LLC")
    assert (onward.subprocessor_id, onward.exporter_role, onward.importer_role) == (llc.id, "processor", "processor")
    # Not in the contract: left empty, so the register flags them.
    assert (llc.address, llc.contact_email, llc.confirmed_on, llc.clients_informed_on) == (None, None, None, None)
    assert subs["OpenAI, L.L.C."].parent_id is None  # the contract engages OpenAI, L.L.C. directly
    backups = of(session, RetentionRule, org)
    assert [(r.covers_backups, r.kind, r.bound, r.value, r.unit) for r in backups] == [(True, "fixed", "minimum", 3, "months")]
    assert len(of(session, ClientController, org)) == 3
    assert all(sp.dpa_signed_on is None for sp in of(session, SubProcessor, org))  # the contract names no DPA


def test_pilotim_names_no_dpo_and_keeps_its_rights_address_as_contact(demo):
    org = cloned(demo)("pilotim")
    assert (org.dpo_name, org.dpo_email) == (None, None)  # art. 5 gives the address for rights, names no DPO
    assert org.contact_email == "dpo@pilotim.com" and "l'exercice des droits : dpo@pilotim.com (art. 5)" in org.notes


def test_pilotim_reuses_client_data_after_anonymisation_as_its_own_controller_activity(demo):
    org = cloned(demo)("pilotim")
    reuse = next(a for a in of(demo, Activity, org) if a.reference == "PIL-R-02")
    assert reuse.role == "controller" and "après anonymisation" in reuse.description and "(art. 5)" in reuse.description
    assert [p["purpose"] for p in reuse.purposes] == [
        "Statistiques, à partir des données des Clients anonymisées", "Amélioration des services et produits de PILOTIM"]
    assert reuse.data_subjects == [] and reuse.data_categories == []  # not stated: flagged, not invented
    assert all(p.get("legal_basis") is None for p in reuse.purposes)


def test_apex_timing_records_its_breach_notice_content_and_similar_not_same_flow_down(demo):
    (client,) = of(demo, ClientController, cloned(demo)("apex-timing"))
    assert client.breach_notice_undue_delay is True
    for item in ("(i) la nature de la violation", "(ii) le nom et les coordonnées du délégué", "(iii) les conséquences "
                 "probables", "(iv) les mesures pour remédier"):
        assert item in client.notes
    assert client.flow_down is False  # "engagements similaires": not the same obligations of Art. 28(4)
    assert "« a minima des engagements similaires à ceux prévus dans les présentes CGUM »" in client.notes


def test_apex_timing_has_its_categories_15_day_objection_and_no_subprocessor(demo):
    session = demo
    org = cloned(demo)("apex-timing")
    assert of(session, SubProcessor, org) == []
    (client,) = of(session, ClientController, org)
    assert (client.objection_period_days, client.objection_right) == (15, True)
    assert "dpo@apex-timing.com" in client.objection_channel
    processor = next(a for a in of(session, Activity, org) if a.role == "processor")
    details = " ".join(d["detail"] for d in processor.data_categories)
    for fact in ("nom", "prénom", "adresse email", "photographies", "historique d'achat", "adresse IP"):
        assert fact in details
    assert {d["code"] for d in processor.data_subjects} == {"users", "customers", "prospects"}


def test_ginger_minds_keeps_five_years_after_contract_and_gives_no_right_to_object(demo):
    session = demo
    org = cloned(demo)("ginger-minds")
    rule = of(session, RetentionRule, org)[0]
    assert (rule.kind, rule.value, rule.unit, rule.event) == ("from_event", 5, "years", "contract_end")
    (client,) = of(session, ClientController, org)
    assert client.subprocessor_changes_notified is True and client.objection_right is False
    assert of(session, Transfer, org) == []
    assert all("Union européenne" in a.systems for a in of(session, Activity, org))


def test_ginger_minds_keeps_backups_30_days_and_hosts_itself_or_with_an_unnamed_host(demo):
    org = cloned(demo)("ginger-minds")
    (backups,) = [r for r in of(demo, RetentionRule, org) if r.covers_backups]
    assert (backups.kind, backups.bound, backups.value, backups.unit, backups.end_action) == (
        "fixed", "maximum", 30, "days", "delete")
    assert "CGV 5.3.3.3" in backups.notes
    hosting = next(a for a in of(demo, Activity, org) if a.reference == "GM-S-01")
    assert "sous-traitant hébergeur qu'il choisit librement, non nommé (CGV 5.3.3.2)" in hosting.systems
    # The host is not named: it is recorded as the contract gives it, its unknowns empty and flagged, not left out.
    (host,) = of(demo, SubProcessor, org)
    assert host.legal_name == "Sous-traitant hébergeur non nommé" and "CGV 5.3.3.2" in host.notes
    assert (host.country, host.dpa_signed_on, list(host.locations)) == (None, None, [])
    assert [s.id for s in hosting.subprocessors] == [host.id]


def test_defi_informatique_hosts_on_ovh_in_roubaix_and_strasbourg_with_its_retention(demo):
    session = demo
    org = cloned(demo)("defi-informatique")
    (ovh,) = of(session, SubProcessor, org)
    assert [(loc.country, loc.site) for loc in ovh.locations] == [("FR", "Roubaix"), ("FR", "Strasbourg")]
    rules = {(r.kind, r.value, r.unit, r.event) for r in of(session, RetentionRule, org)}
    assert rules == {("fixed", 6, "days", None), ("versions", 5, None, None), ("from_event", 1, "months", "contract_end")}
    (client,) = of(session, ClientController, org)
    assert (client.end_fate, client.end_delay_value, client.end_delay_unit) == ("delete", 1, "months")
    assert client.subprocessor_authorisation == "none_stated" and client.confidentiality is None


def test_art_zone_keeps_archives_one_year_and_grants_no_authorisation(demo):
    session = demo
    org = cloned(demo)("art-zone")
    (rule,) = of(session, RetentionRule, org)
    assert (rule.kind, rule.bound, rule.value, rule.unit, rule.event) == ("from_event", "maximum", 1, "years", "acceptance")
    (client,) = of(session, ClientController, org)
    assert client.subprocessor_authorisation == "none_stated"
    controller = next(a for a in of(session, Activity, org) if a.role == "controller")
    assert "déclaration à la CNIL sous le n° XXX" in controller.description


def test_orgs_lists_slug_role_and_counts(runner, session):
    seeded(runner, session)
    out = runner.invoke(args=["orgs"]).output
    line = next(line for line in out.splitlines() if line.startswith("pilotim"))
    assert line.split()[:5] == ["pilotim", "both", "11", "3", "18"]


def test_serve_demo_seeds_prints_where_to_log_in_and_serves_plain_http_locally(app, runner, session, monkeypatch):
    served = {}
    monkeypatch.setattr("werkzeug.serving.run_simple", lambda host, port, wsgi, **kw: served.update(host=host, port=port))
    from registry.jobs import queue

    consumers, start = [], queue.start_consumer

    def start_and_keep(*args, **kwargs):
        consumers.append(start(*args, **kwargs))
        return consumers[-1]

    # The command's consumer threads are stopped with the test: left running, they would take the jobs of every
    # later test of this process (the queue is one object, pointed at each test's queue in turn).
    monkeypatch.setattr(queue, "start_consumer", start_and_keep)
    try:
        result = runner.invoke(args=["serve-demo"])
    finally:
        for consumer in consumers:
            consumer.stop(graceful=True)
    assert result.exit_code == 0, result.output
    assert len(consumers) == 1 and consumers[0].workers == 2  # the demo serves its background jobs itself
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5000/login" in result.output
    assert "dpo@demo.example.com / demo-dpo-password" in result.output
    assert "admin@demo.example.com / demo-admin-password" in result.output
    from registry.services import users as accounts

    admin = accounts.find_user(session, "admin@demo.example.com")
    assert admin.is_superuser and accounts.role_in(session, admin, get_by_slug(session, "art-zone").id) == "admin"
    assert not accounts.find_user(session, "dpo@demo.example.com").is_superuser
    assert served == {"host": "127.0.0.1", "port": 5000}
    assert app.config["SESSION_COOKIE_SECURE"] is False  # no TLS on the local demo server
    assert get_by_slug(session, "pilotim") is not None
