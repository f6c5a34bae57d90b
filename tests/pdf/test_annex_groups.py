"""A group of a fanned-out annex batch loads only its clients' records: each annex it prints is the one the
whole organisation's snapshot prints (the same content key, so the shared cache serves both)."""

from sqlmodel import select

from registry.models import Organisation
from registry.pdf import annex_documents, documents
from registry.pdf.register import annex_key


def test_a_group_of_clients_prints_the_annexes_of_the_whole_snapshot(demo, session):
    for org in session.exec(select(Organisation)).all():
        whole = documents.load(session, org.id)
        ids = [c.id for c in whole.clients]
        group = documents.load_for_clients(session, org.id, list(reversed(ids)) + [10**9])
        assert [c.id for c in group.clients] == ids  # in print order; an unknown id is left out
        for client in whole.clients:
            for lang in (None, "en"):
                expected = annex_documents.annex(whole, client, lang)
                assert annex_documents.annex(group, client, lang) == expected
                one, _ = documents.load_for_client(session, org.id, client.id)
                assert annex_key(annex_documents.annex(one, client, lang)) == annex_key(expected)
