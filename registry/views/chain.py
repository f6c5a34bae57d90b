"""The sub-processor chain on the web pages: one picture per sub-processor (its whole chain) and per client."""

from collections import defaultdict

from flask import url_for
from sqlalchemy import select

from registry.i18n import current_lang
from registry.models import SubProcessor, Transfer
from registry.pdf.chain import chain_hops, chain_svg


def _load(session, org):
    subs = session.scalars(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).all()
    by_sub = defaultdict(list)
    for t in session.scalars(select(Transfer).where(Transfer.organisation_id == org.id,
                                                    Transfer.subprocessor_id.is_not(None)).order_by(Transfer.id)):
        by_sub[t.subprocessor_id].append(t)
    return subs, by_sub


def chain_context(session, org, roots, ident: str, title: str) -> dict:
    """The hops under the first-level sub-processors `roots`, with links to each and their picture."""
    subs, by_sub = _load(session, org)
    lang = current_lang()
    hops = chain_hops(subs, by_sub, lang, org.legal_name, roots=roots)
    for hop in hops:
        hop["url"] = url_for("subprocessors.detail", record_id=hop["id"])
    return {"chain": hops, "chain_svg": chain_svg(hops, lang, ident, title) if hops else None}


def top_of(session, org, sp: SubProcessor) -> int:
    """The first-level sub-processor whose chain `sp` belongs to."""
    parents = dict(session.execute(select(SubProcessor.id, SubProcessor.parent_id)
                                   .where(SubProcessor.organisation_id == org.id)).all())
    current, seen = sp.id, set()
    while parents.get(current) is not None and current not in seen:
        seen.add(current)
        current = parents[current]
    return current
