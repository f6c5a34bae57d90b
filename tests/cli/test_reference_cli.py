"""`flask reference what-if|update|show` on the demo: who a change in the law hits, and a newer file installed."""

import copy
import json
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from registry import clock, reference
from registry.models import Activity, SubProcessor
from registry.services.organisations import get_by_slug
from registry.services.transfers import create_transfer

DPF_EXAMPLE = str(Path(reference.__file__).parent / "data" / "examples" / "what-if-dpf-invalidated.json")


def pilotim_subprocessor(session, name: str) -> SubProcessor:
    org = get_by_slug(session, "pilotim")
    return session.scalars(select(SubProcessor).where(SubProcessor.organisation_id == org.id,
                                                     SubProcessor.legal_name.contains(name))).one()


def add_transfer(session, subprocessor_name: str | None = None, activity: str | None = None, **values):
    org = get_by_slug(session, "pilotim")
    if activity:
        values["activity_id"] = session.scalars(select(Activity.id).where(Activity.organisation_id == org.id,
                                                                          Activity.reference == activity)).one()
    else:
        values["subprocessor_id"] = pilotim_subprocessor(session, subprocessor_name).id
    transfer, _ = create_transfer(session, org, dict(exporter_role="processor", **values), "test")
    session.commit()
    return transfer


def block(output: str, heading: str) -> str:
    """The lines of one section of the report, up to the next section."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  ") and not lines[i].startswith("    ")),
               len(lines))
    return "\n".join(lines[start:end])


def test_what_if_dpf_invalidated_lists_pilotims_us_transfers_and_the_clients_to_warn(runner, demo):
    result = runner.invoke(args=["reference", "what-if", DPF_EXAMPLE, "--org", "pilotim"])
    assert result.exit_code == 0, result.output
    assert "Applies from 2027-01-01" in result.output
    # PILOTIM's two US transfers rely on SCC module 3: they keep a basis, but their impact assessment must be
    # reviewed, and the clients whose data go through them are named with their language and notice terms.
    lost = block(result.output, "Transfers that lose their basis")
    assert lost.endswith("(0): none")
    review = block(result.output, "Transfers that keep their basis")
    assert "(2):" in review.splitlines()[0]
    # Google's transfer belongs to the hop that makes it: Google Ireland to Google LLC, one level down the chain,
    # and PILOTIM's clients are still found through Google Ireland's activity.
    assert "OpenAI, L.L.C. -> US, scc module 3" in review and "Google LLC -> US, scc module 3" in review
    assert "(level 2, engaged by Google Ireland Limited)" in review
    brussels = [line for line in review.splitlines() if "Demo Estates Brussels" in line]
    assert len(brussels) == 2 and all("[en]" in line and "breach notice without undue delay" in line for line in brussels)
    assert "Agence Démo du Beffroi (fictive) [fr]" in review
    # Each client is named with the address its notices would go to: its DPO's when one is recorded (as the
    # notices themselves, domain.mail.notice_address), not its general contact's.
    beffroi = [line for line in review.splitlines() if "Agence Démo du Beffroi" in line]
    assert beffroi and all("<dpo@beffroi-demo.example.com>" in line for line in beffroi)
    assert "direction@beffroi-demo.example.com" not in review


def test_what_if_lists_a_dpf_transfer_without_fallback_and_its_clients(runner, demo):
    # A fictional importer, certified under the DPF, receiving data of activity PIL-S-02 (three clients).
    add_transfer(demo, activity="PIL-S-02", recipient="Example Analytics Inc. (test)", destination_country="US",
                 importer_role="processor", mechanism="dpf", dpf_checked_on=date(2026, 11, 1))
    result = runner.invoke(args=["reference", "what-if", DPF_EXAMPLE, "--org", "pilotim", "--from", "2027-02-01"])
    assert result.exit_code == 0, result.output
    lost = block(result.output, "Transfers that lose their basis")
    assert "(1):" in lost.splitlines()[0] and "Example Analytics Inc. (test) -> US, dpf" in lost
    assert "dpf_no_decision" in lost and "clients to warn (3):" in lost
    assert "Demo Estates Brussels (fictional) [en]" in lost and "activities PIL-S-02" in lost
    # SCCs recorded for the same flow are a fallback: the transfer still changes, but nothing is lost without one.
    add_transfer(demo, activity="PIL-S-02", recipient="Example Analytics Inc. (test)", destination_country="US",
                 importer_role="processor", mechanism="scc", scc_module=3, tia_date=date(2026, 10, 1))
    again = runner.invoke(args=["reference", "what-if", DPF_EXAMPLE, "--org", "pilotim", "--from", "2027-02-01"])
    assert block(again.output, "Transfers that lose their basis").endswith("(0): none")
    assert "fallback: transfer #" in block(again.output, "Other transfers whose verdict changes")


def test_what_if_of_a_proposal_needs_a_date(runner, demo):
    omnibus = DPF_EXAMPLE.replace("what-if-dpf-invalidated", "what-if-omnibus-breach")
    result = runner.invoke(args=["reference", "what-if", omnibus, "--org", "pilotim"])
    assert result.exit_code != 0 and "no date of application" in result.output


def update_file(tmp_path: Path, **adequacy_entry) -> Path:
    """The shipped law, one version and one day newer, with one more adequacy decision."""
    current = reference.law()
    regimes = copy.deepcopy(reference.shipped("regimes.json"))
    adequacy = copy.deepcopy(reference.shipped("adequacy.json"))
    adequacy["entries"].append(adequacy_entry)
    doc = dict(regimes, version=current.version + 1, published=(current.published + timedelta(days=1)).isoformat(),
               adequacy=adequacy)
    path = tmp_path / "update.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


def test_update_adding_an_adequacy_decision_lists_the_transfers_whose_flag_disappears(runner, demo, app, tmp_path):
    transfer = add_transfer(demo, "OpenAI", recipient="OpenAI India (test)", destination_country="IN",
                            importer_role="processor")
    # A decision made up for the test: the file format, not the fact, is what is checked. It was adopted last week,
    # whatever day the suite runs on (a frozen clock included).
    today = clock.today("Europe/Paris")
    path = update_file(tmp_path, destination="IN", decision="Hypothetical decision for the test",
                       date=(today - timedelta(days=6)).isoformat(), scope="full", condition=None, valid_until=None,
                       source_url="https://example.com/decision", last_checked=today.isoformat())
    result = runner.invoke(args=["reference", "update", str(path)])
    assert result.exit_code == 0, result.output
    assert "Installed version 2" in result.output
    pilotim = block(result.output, "Transfers whose verdict changes (1)")
    assert f"#{transfer.id} OpenAI India (test) -> IN" in pilotim
    assert "flags gone: transfer_needs_safeguards" in pilotim
    assert "adequacy: none -> Hypothetical decision for the test" in pilotim
    assert result.output.count("Transfers whose verdict changes (0): none") == 4  # the four other organisations
    assert (Path(app.instance_path) / "reference" / "adequacy.json").is_file()
    shown = runner.invoke(args=["reference", "show"])
    assert "Law version 2" in shown.output and "installed update: adequacy.json, regimes.json" in shown.output
    # The same file again is not newer than the law now in use.
    again = runner.invoke(args=["reference", "update", str(path)])
    assert again.exit_code != 0 and "older or same as the law in use" in again.output


def test_update_refuses_a_malformed_file_and_installs_nothing(runner, demo, app, tmp_path):
    path = update_file(tmp_path, destination="IN", decision="x", date="yesterday", scope="full", condition=None,
                       valid_until=None, source_url="http://example.com", last_checked="2026-12-07")
    result = runner.invoke(args=["reference", "update", str(path)])
    assert result.exit_code != 0 and "refused, nothing changed" in result.output
    assert "adequacy.entries[17].date: 'yesterday' is not a date" in result.output
    assert "adequacy.entries[17].source_url: an https:// address is required" in result.output
    assert not (Path(app.instance_path) / "reference").exists()
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    result = runner.invoke(args=["reference", "update", str(broken)])
    assert result.exit_code != 0 and "not JSON" in result.output
