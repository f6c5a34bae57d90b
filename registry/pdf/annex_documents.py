"""Database -> plain dict for one client's DPA annexes, laid out after the annexes of Implementing Decision (EU) 2021/915.

Each item of the model's annexes is either taken from the register or left None, and the template prints None
as "not recorded": the annex never states an absence (no sensitive data, no end date) that the register does
not record.
"""

from registry.models import ClientController, SubProcessor
from registry.pdf import texts
from registry.pdf.chain import chain_hops, chain_svg
from registry.pdf.documents import CHAIN_WORDS, Snapshot, _key, _measures, _party, by_status, subprocessor_row
from registry.pdf.labels import AUTHORISATIONS, labels, word


def _categories(acts, lang: str) -> tuple[list[dict], list[dict], list[str]]:
    """Data subjects and data categories of the activities, each once, and the Art. 9(2) conditions of their purposes."""
    subjects, categories, conditions = {}, {}, []
    for a in acts:
        for x in a.data_subjects:
            item = texts.category(x, "data_subjects", lang)
            subjects.setdefault((item["label"], item["detail"]), item)
        for x in a.data_categories:
            item = texts.category(x, "data_categories", lang)
            categories.setdefault((item["label"], item["detail"]), item)
        for p in a.purposes:
            cond = texts.purpose(p, lang)["art9_condition"]
            if cond and cond not in conditions:
                conditions.append(cond)
    return list(subjects.values()), list(categories.values()), conditions


def _chain_rows(snap: Snapshot, client: ClientController, roots: list[int], lang: str) -> list[dict]:
    """Annex IV as the whole chain (EDPB Opinion 22/2024): each first-level sub-processor followed by the ones it
    engages, at every level, numbered 1, 1.1, 1.1.1..., each with its level, who engages it, its countries and the
    safeguard of the transfer that reaches it. Retired hops below the first level are left out."""
    by_id = {s.id: s for s in snap.subprocessors}
    hops = chain_hops(snap.subprocessors, snap.transfers_by_sub, lang, snap.org.legal_name, roots=roots)
    level_word, engaged_by = CHAIN_WORDS["fr" if lang == "fr" else "en"]
    counters: list[int] = []
    rows = []
    for hop in hops:
        sp = by_id[hop["id"]]
        if sp.status == "retired" or (hop["level"] > 1 and sp.status != "active"):
            continue
        counters = counters[: hop["level"]]
        while len(counters) < hop["level"]:
            counters.append(0)
        counters[-1] += 1
        rows.append({**subprocessor_row(snap, sp, lang), "level": hop["level"], "number": ".".join(map(str, counters)),
                     "level_label": f"{level_word} {hop['level']}", "engaged_by_label": engaged_by,
                     "exporter": hop["exporter"], "chain_safeguard": hop["safeguard"], "hop": hop})
    return rows


def annex(snap: Snapshot, client: ClientController, lang: str | None = None) -> dict:
    """The annexes I-IV for one client controller (Art. 28(3), 28(7)), in the client's language unless `lang` is given.

    Annex IV lists the sub-processors in force only; those still planned for the client's processing come apart.
    """
    lang = lang or client.language
    lang = lang if lang in ("fr", "en") else "fr"
    acts = [a for a in snap.activities_by_client.get(client.id, []) if a.status != "retired"]
    subs: dict[int, SubProcessor] = {s.id: s for a in acts for s in a.subprocessors}
    status = by_status(sorted(subs.values(), key=lambda s: (_key(s.legal_name), s.id)))
    subjects, categories, conditions = _categories(acts, lang)
    chain = _chain_rows(snap, client, [s.id for s in status["active"]], lang)
    by_id = {s.id: s for s in snap.subprocessors}
    changed = [client.updated_at, snap.org.updated_at, *(a.updated_at for a in acts),
               *(s.updated_at for s in status["planned"]), *(by_id[row["hop"]["id"]].updated_at for row in chain)]
    doc = {
        "lang": lang,
        "L": labels(lang),
        "client_id": client.id,
        "as_of": texts.day(max(changed), lang),
        "as_of_iso": max(changed).isoformat(),
        "contract_reference": client.contract_reference,
        "controller": _party(client, lang),
        "processor": _party(snap.org, lang),
        # The register records neither the position of a contact person nor the date a party signed or acceded.
        "contact_position": None,
        "signature_date": None,
        "data_subjects": subjects,
        "data_categories": categories,
        "sensitive": [c for c in categories if c["sensitive"]],
        "art9_conditions": conditions,
        # Restrictions or safeguards kept for sensitive data in particular: the register has no field for them.
        "sensitive_safeguards": None,
        "processing": [{"reference": a.reference, "name": a.name, "description": a.description} for a in acts],
        "purposes": list(dict.fromkeys(p.get("purpose") for a in acts for p in a.purposes if p.get("purpose"))),
        "duration": {"start": texts.day(client.contract_start, lang), "end": texts.day(client.contract_end, lang)},
        "retention": [
            {"activity": a.reference, "scope": texts.retention_scope(r, lang), "text": texts.retention(r, lang)}
            for a in acts for r in a.retention_rules
        ],
        "measures": _measures([m for a in acts for m in a.measures], lang),
        # The specific measures taken to be able to assist the controller (Art. 28(3)(e), (f)): no field records them.
        "assistance_measures": None,
        "authorisation": (None if client.subprocessor_authorisation == "none_stated"
                          else word(AUTHORISATIONS, client.subprocessor_authorisation, lang)),
        "subprocessors": chain,
        "planned_subprocessors": [subprocessor_row(snap, s, lang) for s in status["planned"]],
    }
    # The picture shows the chains that go deeper than the first level; the list below names every hop.
    deep, hops, top = set(), [], None
    for row in doc["subprocessors"]:
        top = row["hop"]["id"] if row["level"] == 1 else top
        if row["level"] > 1:
            deep.add(top)
    hops = [row["hop"] for row in doc["subprocessors"] if row["hop"]["id"] in deep or row["level"] > 1]
    doc["chain_svg"] = chain_svg(hops, lang, f"chain-{client.id}") if hops else None
    return doc
