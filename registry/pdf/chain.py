"""The sub-processor chain as plain rows (level, country, safeguard of each hop) and as a picture (SVG, no script).

Art. 28(2), 28(4) and EDPB Opinion 22/2024: the controller must know every processor down the chain, where each
processes data and on which Chapter V safeguard each onward transfer rests. The rows feed the web pages and the
DPA annex alike; the picture escapes every text it draws.
"""

from collections.abc import Iterable
from html import escape

from markupsafe import Markup

from registry import reference
from registry.domain.subprocessors import chain_order
from registry.pdf import texts

WORDS = {
    "fr": {"level": "Niveau", "exporter": "Exportateur", "in_eea": "Dans l'EEE : pas de transfert",
           "no_safeguard": "Aucune garantie consignée", "no_location": "Lieux de traitement non consignés",
           "title": "Chaîne des sous-traitants", "desc": "{n} sous-traitant(s) sur {levels} niveau(x), chacun avec son "
           "pays et la garantie du transfert qui le concerne.", "retired": "retiré"},
    "en": {"level": "Level", "exporter": "Exporter", "in_eea": "In the EEA: no transfer",
           "no_safeguard": "No safeguard recorded", "no_location": "Processing locations not recorded",
           "title": "Sub-processor chain", "desc": "{n} sub-processor(s) on {levels} level(s), each with its country "
           "and the safeguard of the transfer that reaches it.", "retired": "retired"},
}
ROW_HEIGHT, INDENT, BOX_LEFT, CHAR_WIDTH = 58, 28, 8, 6.6


def words(lang: str) -> dict[str, str]:
    return WORDS["fr" if lang == "fr" else "en"]


def short_safeguard(transfer, lang: str) -> str | None:
    """The mechanism's name and, for standard contractual clauses, the module: what a line of the picture holds."""
    if not transfer.mechanism:
        return None
    term = reference.vocabulary("transfer_mechanisms").get(transfer.mechanism)
    text = term.label(lang) if term else transfer.mechanism
    if transfer.mechanism == "scc" and transfer.scc_module:
        text += f", module {transfer.scc_module}"
    return text


def chain_hops(subprocessors: Iterable, transfers_by_sub: dict[int, list], lang: str, exporter: str,
               roots: Iterable[int] | None = None) -> list[dict]:
    """Each hop in chain order (each followed by the hops below it) with its level, the party that exports to it,
    its seat and processing countries and the safeguards of the transfers recorded to it.

    `roots`: the first-level sub-processors to start from (a client's), all of them by default; `exporter`: the
    organisation's name, the exporter to the first level.
    """
    subs = {s.id: s for s in subprocessors}
    parents = {i: s.parent_id for i, s in subs.items()}
    order = chain_order(parents, {i: (s.legal_name or "").casefold() for i, s in subs.items()})
    wanted = set(roots) if roots is not None else None
    out, kept = [], set()
    for sp_id, level in order:
        sp = subs[sp_id]
        if wanted is not None and not (sp_id in wanted and level == 1 or sp.parent_id in kept):
            continue
        kept.add(sp_id)
        countries = list(dict.fromkeys(loc.country for loc in sp.locations))
        outside = [c for c in countries if not reference.is_eea(c)]
        recorded = transfers_by_sub.get(sp_id, [])
        transfers = [texts.transfer_row(t, lang) for t in recorded]
        colon = "\u00a0: " if lang == "fr" else ": "
        safeguards = [f"{texts.destination(t, lang)}{colon}{short_safeguard(t, lang) or '—'}" for t in recorded]
        W = words(lang)
        if safeguards:
            safeguard = "; ".join(safeguards)
        elif outside:
            safeguard = W["no_safeguard"]
        elif countries:
            safeguard = W["in_eea"]
        else:
            safeguard = W["no_location"]
        out.append({
            "id": sp_id,
            "level": level,
            "name": sp.legal_name,
            "status": sp.status,
            "exporter": subs[sp.parent_id].legal_name if sp.parent_id in subs else exporter,
            "country": texts.country_name(sp.country, lang),
            "locations": [texts.country_name(c, lang) for c in countries],
            "outside": bool(outside),
            "safeguard": safeguard,
            "covered": bool(safeguards) or not outside,
            "transfers": transfers,
        })
    return out


def chain_svg(hops: list[dict], lang: str, ident: str = "chain", title: str | None = None) -> Markup:
    """The hops as boxes indented by level with a line to the hop above, readable without any script.

    `ident` keeps the ids of the title and description unique when a page shows several pictures.
    """
    W = words(lang)
    ident = "".join(c for c in ident if c.isalnum() or c in "-_") or "chain"
    lines = []
    for hop in hops:
        head = f"{hop['name']}" + (f" · {hop['country']}" if hop["country"] else "")
        if hop["status"] == "retired":
            head += f" ({W['retired']})"
        where = ", ".join(hop["locations"])
        sub = f"{W['level']} {hop['level']}" + (f" · {where}" if where else "") + f" · {hop['safeguard']}"
        lines.append((head, sub))
    longest = max((max(len(a), len(b)) for a, b in lines), default=20)
    depth = max((h["level"] for h in hops), default=1)
    box = int(longest * CHAR_WIDTH) + 24
    width = BOX_LEFT * 2 + (depth - 1) * INDENT + box
    height = max(len(hops), 1) * ROW_HEIGHT + 8
    levels = len({h["level"] for h in hops})
    desc = W["desc"].format(n=len(hops), levels=levels) + " " + " ".join(
        f"{W['level']} {h['level']}: {h['name']} ({h['country'] or '—'}), {W['exporter']} {h['exporter']}; "
        f"{h['safeguard']}." for h in hops)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chain" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title or W["title"])}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
    ]
    row_of: dict[int, int] = {}
    for n, (hop, (head, sub)) in enumerate(zip(hops, lines, strict=True)):
        row_of[hop["id"]] = n
        x = BOX_LEFT + (hop["level"] - 1) * INDENT
        y = 4 + n * ROW_HEIGHT
        parent_row = next((row_of[h["id"]] for h in reversed(hops[:n]) if h["level"] == hop["level"] - 1), None)
        if parent_row is not None:
            px = x - INDENT + 12
            py = 4 + parent_row * ROW_HEIGHT + ROW_HEIGHT - 10
            parts.append(f'<path d="M{px} {py} V{y + 24} H{x}" fill="none" stroke="#555" stroke-width="1.5"/>')
        stroke = "#b00020" if not hop["covered"] else "#1b5e20" if hop["outside"] else "#555"
        parts.append(f'<rect x="{x}" y="{y}" width="{box}" height="{ROW_HEIGHT - 10}" rx="4" fill="#fff" '
                     f'stroke="{stroke}" stroke-width="{2 if hop["outside"] else 1}"/>')
        parts.append(f'<text x="{x + 10}" y="{y + 19}" font-size="13" font-weight="bold" fill="#111">{escape(head)}</text>')
        parts.append(f'<text x="{x + 10}" y="{y + 38}" font-size="11.5" fill="#333">{escape(sub)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
