"""Bounded work per request: a body past its bound is refused unread, a hostile contract file cannot hold the web process."""

import io
import logging
import re
import resource
import time

from sqlalchemy import func, select

from registry.models import AuditEntry, ClientController, ContractDocument
from tests.contracts.bombs import docx_with_xml

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
GIB = 1 << 30


class CountingStream(io.RawIOBase):
    """A request body of `size` bytes that exists only as it is read, counting what the application reads."""

    def __init__(self, size: int):
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: self.size + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.position)
        buffer[:n] = b"a" * n
        self.position += n
        self.read_bytes += n
        return n


def test_a_1_gib_anonymous_post_to_login_is_refused_without_reading_it(client):
    body = CountingStream(GIB)
    started = time.monotonic()
    response = client.post("/login", input_stream=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)
    assert body.read_bytes == 0
    assert time.monotonic() - started < 2


def test_a_body_without_length_is_cut_at_the_bound(client, app):
    body = CountingStream(GIB)
    # As a server passes a chunked body: no Content-Length, the stream ends where the body does.
    response = client.post("/login", input_stream=body, content_type="application/x-www-form-urlencoded",
                           environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True})
    # Werkzeug reads up to the bound and stops there: what it read is no form with a CSRF token.
    assert response.status_code in (400, 413)
    assert body.read_bytes <= app.config["REGISTRY_MAX_FORM_BYTES"]


def test_a_form_past_the_form_bound_is_refused_even_for_a_member(app, en):
    response = en.post("/orgs/acme/activities/new", data={"name": "x" * (app.config["REGISTRY_MAX_FORM_BYTES"] + 1)})
    assert response.status_code == 413


def _client_of(session, org) -> ClientController:
    from registry.services import clients

    obj, _ = clients.create_client(session, org, {"legal_name": "Client SA"}, "test")
    session.commit()
    return obj


def _upload(web, record_id: int, data: bytes, name: str):
    base = f"/orgs/acme/clients/{record_id}"
    token = TOKEN.search(web.get(f"{base}/contract").get_data(as_text=True)).group(1)
    return web.post(f"{base}/contract/upload", content_type="multipart/form-data",
                    data={"csrf_token": token, "file": (io.BytesIO(data), name)})


def _stored(session) -> tuple[int, int]:
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(ContractDocument)),
            session.scalar(select(func.count()).select_from(AuditEntry)))


def test_a_300_kb_docx_holding_95_mb_of_xml_is_refused_fast_in_a_bounded_child(app, en, session, org, caplog):
    target = _client_of(session, org)
    bomb = docx_with_xml(95)
    assert len(bomb) < 400 * 1024
    en.get("/lang/fr")
    before = _stored(session)
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    caplog.set_level(logging.INFO, logger="registry.services.contract_files")
    started = time.monotonic()
    response = _upload(en, target.id, bomb, "contrat.docx")
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    assert response.status_code == 422
    field = re.search(r'<p class="error" id="file-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert field and "La partie word/document.xml du document dépasse 32 Mio une fois décompressée" in field.group(1)
    assert _stored(session) == before
    # The web process grew by far less than the XML; the child reported its own peak, under its address-space limit.
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - own_peak < 64 << 20
    report = next(r for r in caplog.records if "read in a child process" in r.getMessage())
    peak, limit = report.args[1], report.args[2]
    assert limit == app.config["REGISTRY_CONTRACT_MEMORY_MB"] << 20
    assert peak is not None and peak < limit and peak < 95 << 20


def test_a_reading_past_the_configured_time_is_refused_at_the_field(app, en, session, org):
    # 24 MiB of XML (under the 32 MiB bound) cannot be read in a tenth of a second on any machine, however idle:
    # a small file read in time on a fast one would leave nothing to refuse.
    app.config["REGISTRY_CONTRACT_TIMEOUT_SECONDS"] = 0.1
    target = _client_of(session, org)
    before = _stored(session)
    response = _upload(en, target.id, docx_with_xml(24), "contrat.docx")
    assert response.status_code == 422
    assert "Reading the document took longer than 0.1 seconds: refused." in response.get_data(as_text=True)
    assert _stored(session) == before


def test_an_upload_may_pass_the_form_bound_up_to_its_own(app, en, session, org):
    app.config["REGISTRY_MAX_FORM_BYTES"] = 1024
    app.config["MAX_CONTENT_LENGTH"] = 1024
    target = _client_of(session, org)
    text = ("Le sous-traitant notifie toute violation de données dans les 24 heures.\n" * 100).encode()
    response = _upload(en, target.id, text, "contrat.txt")
    assert response.status_code == 302
    app.config["REGISTRY_MAX_UPLOAD_BYTES"] = 4096
    too_big = _upload(en, target.id, text * 4, "contrat.txt")
    assert too_big.status_code == 422 and "the limit is 0 MiB" in too_big.get_data(as_text=True)
