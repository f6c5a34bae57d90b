"""Storing contract files on a client or sub-processor record: versions kept, refused files store nothing."""

import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select

from registry.models import ClientController, ContractDocument, Organisation, SubProcessor
from registry.services import contract_files as ex
from registry.services.contract_files import ContractFileError
from registry.services.contracts import RegisterNotFound, contract_versions, store_contract

TEXT = "Le Sous-traitant notifie au Client toute violation de données personnelles dans les 24 heures.".encode()


@pytest.fixture
def records(session):
    org = Organisation(slug="demo-contrats", legal_name="Organisme Démo (fictif)", country="FR")
    other = Organisation(slug="autre-demo", legal_name="Autre Démo (fictif)", country="FR")
    session.add_all([org, other])
    session.flush()
    client = ClientController(organisation_id=org.id, legal_name="Client Démo (fictif)")
    sub = SubProcessor(organisation_id=org.id, legal_name="Hébergeur Démo (fictif)")
    foreign = ClientController(organisation_id=other.id, legal_name="Client d'un autre organisme (fictif)")
    session.add_all([client, sub, foreign])
    session.commit()
    return org, client, sub, foreign


def count(session) -> int:
    return session.execute(select(func.count()).select_from(ContractDocument)).scalar()


def test_upload_is_stored_with_name_type_size_hash_uploader_and_check(session, records):
    org, client, _, _ = records
    doc = store_contract(session, org.id, client_id=client.id, file_name="C:\\docs\\dpa.txt", data=TEXT,
                         uploaded_by="dpo@demo.example.com")
    session.commit()
    stored = session.get(ContractDocument, doc.id)
    assert (stored.file_name, stored.kind, stored.media_type, stored.size_bytes) == ("dpa.txt", "text", "text/plain", len(TEXT))
    assert stored.sha256 == hashlib.sha256(TEXT).hexdigest() and stored.content == TEXT
    assert stored.uploaded_by == "dpo@demo.example.com" and stored.uploaded_at.tzinfo is not None
    assert stored.check_result["terms"]["breach_notice_hours"] == 24


def test_upload_is_audited_with_its_hash_but_not_its_content(session, records):
    from registry.audit import history

    org, client, _, _ = records
    doc = store_contract(session, org.id, client_id=client.id, file_name="dpa.txt", data=TEXT, uploaded_by="dpo@demo")
    session.commit()
    [entry] = history(session, "contract_document", doc.id)
    assert entry.actor == "dpo@demo" and entry.action == "create"
    assert entry.after["sha256"] == doc.sha256 and "content" not in entry.after


def test_new_version_keeps_the_old_one(session, records):
    org, _, sub, _ = records
    store_contract(session, org.id, subprocessor_id=sub.id, file_name="v1.txt", data=TEXT, uploaded_by="dpo")
    store_contract(session, org.id, subprocessor_id=sub.id, file_name="v2.txt", data=TEXT + b" Art. 28.", uploaded_by="dpo")
    session.commit()
    versions = contract_versions(session, subprocessor_id=sub.id)
    assert [(d.revision, d.file_name) for d in versions] == [(2, "v2.txt"), (1, "v1.txt")]


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<w/>")
        z.writestr("word/media/zeros.bin", b"\0" * (2 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize("data,why", [
    (b"", "empty"),
    (b"%PDF-1.7\ngarbage", "PDF"),
    (ex._OLE_MAGIC + b"\0" * 600, "encrypted"),
    ("bomb", "zip bomb"),
    ("big", "limit"),
    (bytes(range(256)) * 4, "not a PDF"),
])
def test_refused_file_stores_nothing(session, records, data, why):
    org, client, _, _ = records
    data = {"bomb": _zip_bomb(), "big": b"a" * (64 * 1024 + 1)}.get(data, data)
    # The bounds go with the file to the child process that reads it.
    limits = ex.ParseLimits(file_bytes=64 * 1024, unzipped_bytes=1024 * 1024)
    with pytest.raises(ContractFileError, match=why):
        store_contract(session, org.id, client_id=client.id, file_name="x", data=data, uploaded_by="dpo", limits=limits)
    session.rollback()
    assert count(session) == 0


def test_record_of_another_organisation_is_refused(session, records):
    org, _, _, foreign = records
    with pytest.raises(RegisterNotFound, match="client_id"):
        store_contract(session, org.id, client_id=foreign.id, file_name="x.txt", data=TEXT, uploaded_by="dpo")
    assert count(session) == 0


def test_contract_needs_exactly_one_owner(session, records):
    org, client, sub, _ = records
    with pytest.raises(ValueError, match="exactly one"):
        store_contract(session, org.id, client_id=client.id, subprocessor_id=sub.id, file_name="x.txt", data=TEXT,
                       uploaded_by="dpo")
