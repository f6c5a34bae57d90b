"""The audit trail against someone who can write the database: each edit is made in raw SQL, as an attacker with
a database login would, and `audit-verify` (with `--against` the head file, `--deep` the register) must name it.

The attacker knows the code, so recomputes plain SHA-256 hashes, or HMACs under a key of his own; he cannot
read the key file nor rewrite the head file, which live outside the database.
"""

import hashlib
import hmac
import json
import os
import stat
from types import SimpleNamespace

import pytest
from sqlalchemy import select, text

from registry import audit
from registry.audit import keys
from registry.models import AuditEntry, RetentionRule, SubProcessor
from registry.services import retention, subprocessors
from registry.services.organisations import get_by_slug


def sql(session, statement, **params):
    session.execute(text(statement), params)
    session.commit()
    session.expire_all()


def chain(session) -> list[AuditEntry]:
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def verify(runner, *args):
    result = runner.invoke(args=["audit-verify", *args])
    return result.exit_code, result.output


def attacker_hash(entry: AuditEntry, own_key: bytes | None) -> str:
    """What someone without the trail's key can compute: the plain hash, or an HMAC under another key."""
    if own_key is None:
        return audit.entry_hash(entry)
    return hmac.new(own_key, keys.DOMAIN + audit._body(entry), hashlib.sha256).hexdigest()


def rechain(session, from_seq: int, own_key: bytes | None = None) -> None:
    """Recompute every hash from `from_seq` to the end, chained, and move the head: a consistent forged chain."""
    entries = chain(session)
    prev = entries[from_seq - 2].hash if from_seq > 1 else "0" * 64
    for entry in entries[from_seq - 1:]:
        entry.prev_hash = prev
        prev = attacker_hash(entry, own_key)
        session.execute(text("UPDATE audit_entry SET prev_hash = :p, hash = :h WHERE seq = :s"),
                        {"p": entry.prev_hash, "h": prev, "s": entry.seq})
    session.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": entries[-1].seq, "h": prev})
    session.commit()
    session.expire_all()


@pytest.fixture
def exported(runner, demo):
    """The head exported once to the test's head file (as the schedule or the last commit would have done)."""
    result = runner.invoke(args=["audit-export-head"])
    assert result.exit_code == 0, result.output
    last = chain(demo)[-1]
    return SimpleNamespace(seq=last.seq, hash=last.hash)


def test_a_clean_register_passes_every_mode_after_real_changes(runner, demo, app):
    session = demo
    org = get_by_slug(session, "pilotim")
    sp = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().first()
    subprocessors.retire_subprocessor(session, org, sp, actor="dpo@test.example.com")
    session.commit()
    rule = session.execute(select(RetentionRule).where(RetentionRule.organisation_id == org.id)).scalars().first()
    retention.delete_rule(session, org, rule, actor="dpo@test.example.com")
    session.commit()
    head_file = app.config["REGISTRY_AUDIT_HEAD_FILE"]
    lines = open(head_file, encoding="ascii").read().splitlines()
    last = chain(session)[-1]
    assert [line.split()[:2] for line in lines] == [[str(last.seq - 1), chain(session)[-2].hash],
                                                    [str(last.seq), last.hash]]
    code, out = verify(runner, "--against", "--deep")
    assert code == 0, out
    assert f"chain: OK {last.seq} entries ({last.seq} keyed with HMAC-SHA256)" in out
    assert "head file" in out and "2 exported heads agree" in out
    assert "deep: OK" in out and "match the trail" in out


def test_a_rolled_back_change_exports_no_head(demo, app):
    session = demo
    org = get_by_slug(session, "pilotim")
    sp = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().first()
    subprocessors.retire_subprocessor(session, org, sp, actor="dpo@test.example.com")
    session.rollback()
    assert not os.path.exists(app.config["REGISTRY_AUDIT_HEAD_FILE"])


def test_deleting_the_last_entries_and_rewinding_the_head_is_found_against_the_head_file(runner, demo, exported):
    session = demo
    keep = exported.seq - 3
    sql(session, "DELETE FROM audit_entry WHERE seq > :k", k=keep)
    sql(session, "UPDATE audit_head SET seq = :k, hash = (SELECT hash FROM audit_entry WHERE seq = :k) WHERE id = 1",
        k=keep)
    code, out = verify(runner, "--against")
    assert code == 1
    assert f"head file: BROKEN at entry {exported.seq}" in out
    assert f"past the end of the chain ({keep}): entries were removed from the end" in out


def test_cutting_the_end_and_writing_new_entries_over_it_is_found_against_the_head_file(runner, demo, exported):
    """The app appending after a rewind reuses the cut positions: the exported head no longer matches."""
    session = demo
    keep = exported.seq - 2
    sql(session, "DELETE FROM audit_entry WHERE seq > :k", k=keep)
    sql(session, "UPDATE audit_head SET seq = :k, hash = (SELECT hash FROM audit_entry WHERE seq = :k) WHERE id = 1",
        k=keep)
    org = get_by_slug(session, "pilotim")
    for sp in session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().all()[:2]:
        subprocessors.retire_subprocessor(session, org, sp, actor="dpo@test.example.com")
    session.commit()
    code, out = verify(runner, "--against")
    assert code == 1
    assert f"head file: BROKEN at entry {exported.seq}" in out and "the chain was rewritten at or before it" in out


@pytest.mark.parametrize("own_key", [None, b"k" * 32], ids=["plain-sha256", "hmac-other-key"])
def test_rewriting_the_chain_with_recomputed_hashes_is_found(runner, demo, exported, own_key):
    session = demo
    sql(session, "UPDATE audit_entry SET actor = 'intruder' WHERE seq = 7")
    rechain(session, 7, own_key)
    code, out = verify(runner)
    assert code == 1 and "chain: BROKEN at entry 7" in out and "without the audit key" in out
    code, out = verify(runner, "--against")
    assert code == 1 and f"head file: BROKEN at entry {exported.seq}" in out and "rewritten" in out


def test_rewriting_the_whole_chain_as_if_written_before_keying_is_found(runner, demo):
    session = demo
    sql(session, "UPDATE audit_entry SET actor = 'intruder' WHERE seq = 2")
    rechain(session, 1)
    code, out = verify(runner)
    assert code == 1 and "chain: BROKEN at entry 1" in out and "plain SHA-256 where a keyed entry is due" in out


@pytest.mark.parametrize("own_key", [None, b"k" * 32], ids=["plain-sha256", "hmac-other-key"])
def test_appending_a_forged_entry_with_its_hash_and_the_head_moved_is_found(runner, demo, own_key):
    session = demo
    last = chain(session)[-1]
    forged = AuditEntry(seq=last.seq + 1, at=last.at, actor="dpo@demo.example.com", record_type="subprocessor",
                        record_id=1, action="delete", prev_hash=last.hash, hash="")
    forged.hash = attacker_hash(forged, own_key)
    session.add(forged)
    session.commit()
    sql(session, "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", s=forged.seq, h=forged.hash)
    code, out = verify(runner)
    assert code == 1 and f"chain: BROKEN at entry {forged.seq}" in out and "without the audit key" in out


def _edit_name(session, sp):
    name = sp.legal_name
    sql(session, "UPDATE subprocessor SET legal_name = 'Somebody Else' WHERE id = :i", i=sp.id)
    return f"subprocessor {sp.id}", 'field legal_name: stored "Somebody Else", trail ' + json.dumps(name)


def _edit_location(session, sp):
    sql(session, "UPDATE processing_location SET country = 'CN' WHERE subprocessor_id = :i", i=sp.id)
    return f"subprocessor {sp.id}", "field locations: stored"


def _delete_row(session, sp):
    rule = session.execute(text("SELECT min(id) FROM retention_rule WHERE organisation_id = :o"),
                           {"o": sp.organisation_id}).scalar()
    sql(session, "DELETE FROM retention_rule WHERE id = :i", i=rule)
    return f"retention_rule {rule}", "absent from the database, but the trail's last entry"


def _insert_role(session, sp):
    user = session.execute(text("SELECT id FROM user_account WHERE email = 'auditor@demo.example.com'")).scalar()
    org = session.execute(text("SELECT id FROM organisation WHERE slug = 'art-zone'")).scalar()
    sql(session, "UPDATE membership SET role = 'admin' WHERE user_id = :u AND organisation_id = :o", u=user, o=org)
    return f"membership {user} of organisation {org}", 'field role: stored "admin", trail "auditor"'


@pytest.mark.parametrize("edit", [_edit_name, _edit_location, _delete_row, _insert_role],
                         ids=["field", "child-row", "deleted-row", "role-raised"])
def test_a_data_row_edited_without_an_entry_is_found_by_deep(runner, demo, edit):
    session = demo
    sp = session.execute(select(SubProcessor).where(SubProcessor.legal_name == "OpenAI, L.L.C.")).scalars().first()
    record, detail = edit(session, sp)
    assert verify(runner)[0] == 0  # the chain itself is intact: only the register was touched
    code, out = verify(runner, "--deep")
    assert code == 1
    line = next(line for line in out.splitlines() if line.startswith(f"deep: MISMATCH {record}"))
    assert detail in line


def test_a_row_added_without_an_entry_is_found_by_deep(runner, demo):
    session = demo
    org = session.execute(text("SELECT id FROM organisation WHERE slug = 'pilotim'")).scalar()
    columns = ", ".join(c.name for c in RetentionRule.__table__.columns if c.name != "id")
    sql(session, f"INSERT INTO retention_rule ({columns}) SELECT {columns} FROM retention_rule "
        "WHERE id = (SELECT min(id) FROM retention_rule WHERE organisation_id = :o)", o=org)
    new_id = session.execute(text("SELECT max(id) FROM retention_rule")).scalar()
    code, out = verify(runner, "--deep")
    assert code == 1
    assert f"deep: MISMATCH retention_rule {new_id}: present in the database, but the trail never recorded it" in out


def test_verify_output_is_terminal_safe(runner, demo):
    session = demo
    sql(session, "UPDATE subprocessor SET legal_name = :n WHERE id = 1", n="Evil\x1b[2J\x1b]0;pwned\x07\r\nOK")
    code, out = verify(runner, "--deep")
    assert code == 1 and "deep: MISMATCH subprocessor 1" in out
    assert not any(ch in out.replace("\n", "") for ch in "\x1b\x07\r")
    assert out.count("\n") == len(out.splitlines())  # the stored newline did not start a line of its own


@pytest.mark.parametrize(
    "tampering, broken_at",
    [
        ("UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 7", 7),
        ("UPDATE audit_entry SET action = 'update' WHERE seq = 5", 5),
        ("UPDATE audit_entry SET record_id = 999 WHERE seq = 9", 9),
        ("UPDATE audit_entry SET organisation_id = NULL WHERE seq = 4", 4),
        ("UPDATE audit_entry SET after = NULL WHERE seq = 3", 3),
        ("UPDATE audit_entry SET organisation_slug = 'x' WHERE seq = 6", 6),
        ("UPDATE audit_entry SET record_type = 'transfer' WHERE seq = 8", 8),
        ("UPDATE audit_entry SET hash = :zero WHERE seq = 10", 10),
        ("UPDATE audit_entry SET prev_hash = :zero WHERE seq = 11", 11),
        ("DELETE FROM audit_entry WHERE seq = 12", 13),
        ("UPDATE audit_entry SET seq = 1000 WHERE seq = 2", 3),
        ("UPDATE audit_head SET hash = :zero WHERE id = 1", None),
        ("DELETE FROM audit_entry WHERE seq = (SELECT max(seq) FROM audit_entry)", None),
    ],
)
def test_careless_edits_stay_found_by_the_chain_alone(runner, demo, tampering, broken_at):
    session = demo
    sql(session, tampering, **({"zero": "0" * 64} if ":zero" in tampering else {}))
    code, out = verify(runner)
    assert code == 1 and "chain: BROKEN at entry" in out
    if broken_at is not None:
        assert f"chain: BROKEN at entry {broken_at}:" in out


def test_the_key_file_is_made_private_and_a_lost_key_stops_writes(demo, app, tmp_path):
    session = demo
    path = keys.files_of(session).key_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    app.config["REGISTRY_AUDIT_KEY_FILE"] = str(tmp_path / "elsewhere" / "audit.key")
    keys.files_of(session)._key = None  # as a restarted process would read it
    org = get_by_slug(session, "pilotim")
    sp = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().first()
    with pytest.raises(keys.AuditKeyError, match="key file .* is missing: restore it"):
        subprocessors.retire_subprocessor(session, org, sp, actor="dpo@test.example.com")
    session.rollback()
    assert not (tmp_path / "elsewhere" / "audit.key").exists()
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 1 and "key file" in result.reason


def test_a_trail_written_before_keying_is_verified_as_before_then_keyed_from_its_end(runner, session, app, tmp_path):
    """An existing database: its plain-hashed entries keep verifying, are counted apart, and the first write of
    this version makes the key, noting in the key file how many unkeyed entries it follows."""
    from datetime import UTC, datetime

    from registry.models import AuditHead

    prev = "0" * 64
    for seq in (1, 2, 3):
        old = AuditEntry(seq=seq, at=datetime(2025, 1, seq, tzinfo=UTC), actor="cli", record_type="note",
                         record_id=seq, action="create", after={"n": seq}, prev_hash=prev, hash="")
        old.hash = prev = audit.entry_hash(old)  # as the previous version wrote them
        session.add(old)
    session.add(AuditHead(id=1, seq=3, hash=prev))
    session.commit()
    app.config["REGISTRY_AUDIT_KEY_FILE"] = str(tmp_path / "new" / "audit.key")
    keys.files_of(session)._key = None  # as a process started on the upgraded code

    code, out = verify(runner)
    assert code == 0 and "entries 1-3 carry a plain SHA-256, written before the trail was keyed" in out
    assert not (tmp_path / "new" / "audit.key").exists()  # verifying never creates the key

    audit.record(session, "cli", "create", record_type="note", record_id=4, after={"n": 4})
    session.commit()
    assert (tmp_path / "new" / "audit.key").read_text().split()[1:] == ["plain-entries", "3"]
    code, out = verify(runner, "--against")
    assert code == 0 and "chain: OK 4 entries (1 keyed with HMAC-SHA256)" in out, out

    rechain(session, 1)  # the keyed entry rewritten as if it were old too
    code, out = verify(runner)
    assert code == 1 and "chain: BROKEN at entry 4" in out and "plain SHA-256 where a keyed entry is due" in out


def test_a_contract_file_replaced_in_the_database_is_found_by_deep(runner, demo):
    from registry.services.contracts import store_contract

    session = demo
    sp = session.execute(select(SubProcessor).where(SubProcessor.legal_name == "OpenAI, L.L.C.")).scalars().first()
    text_of_dpa = "Le Sous-traitant notifie au Client toute violation de données dans les 24 heures.".encode()
    doc = store_contract(session, sp.organisation_id, subprocessor_id=sp.id, file_name="dpa.txt", data=text_of_dpa,
                         uploaded_by="dpo@test.example.com")
    session.commit()
    doc_id = doc.id
    code, out = verify(runner, "--deep")
    assert code == 0, out
    sql(session, "UPDATE contract_document SET content = :c WHERE id = :i", c=text_of_dpa.replace(b"24", b"72"),
        i=doc_id)
    code, out = verify(runner, "--deep")
    assert code == 1
    assert f"deep: MISMATCH contract_document {doc_id}: field sha256: stored " in out
    assert hashlib.sha256(text_of_dpa).hexdigest() in out


def test_against_without_a_head_file_is_not_a_pass(runner, demo, tmp_path):
    code, out = verify(runner, "--against")
    assert code == 1 and "head file: NOT CHECKED: no head file at" in out
    (tmp_path / "empty.log").write_text("")
    code, out = verify(runner, "--against", str(tmp_path / "empty.log"))
    assert code == 1 and "NOT CHECKED: it holds no exported head" in out
