"""Tables and lists inside a contract's passages: markdown table rows as cells, list items with the sentence that
introduces them. The segmenter joins a table's lines into one passage; its rows are found back here."""

import re
from dataclasses import dataclass

from registry.domain.contracts.segment import Passage, fold

_DASHES = re.compile(r"^\s*:?-{3,}:?\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦·*\-–]|\(?[a-z]\)|\(?[ivx]+\)|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Table:
    """A table's header cells and its rows, each row as many cells as the header."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def plain(text: str) -> str:
    """Cell or item text without markdown emphasis, links (their text kept), HTML entities or stray spaces."""
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"&#x?[0-9a-f]+;|&nbsp;", " ", text, flags=re.I)
    return " ".join(_EMPHASIS.sub("", text).split())


def tables(text: str) -> list[Table]:
    """Markdown tables written as "| a | b |" rows, whose lines the segmenter joined with spaces.

    The header row is followed by a "|---|---|" row; each later row adds the same number of cells, and a
    blank token separates two joined rows ("| a | b | | c | d |"), so rows are read at that stride.
    """
    out = []
    start = text.find("|")
    while start != -1:
        cells = text[start:].split("|")[1:]
        try:
            width = next(i for i, c in enumerate(cells) if _DASHES.match(c)) - 1
        except StopIteration:
            break
        if width < 1 or cells[width].strip() or not all(_DASHES.match(c) for c in cells[width + 1:2 * width + 1]):
            break
        header = tuple(plain(c) for c in cells[:width])
        rows, i = [], 2 * width + 2
        # A row ends at a blank token (the next row follows) or at the text after the table's last pipe.
        while i + width < len(cells) and (not cells[i + width].strip() or i + width == len(cells) - 1):
            rows.append(tuple(plain(c) for c in cells[i:i + width]))
            i += width + 1
        out.append(Table(header, tuple(rows)))
        consumed = "|".join([""] + cells[:i])
        nxt = text.find("|", start + len(consumed) + 1)
        start = nxt if nxt > start else -1
    return out


def is_item(p: Passage) -> bool:
    return bool(_BULLET.match(p.text))


def item_text(p: Passage) -> str:
    """A list item without its bullet and emphasis."""
    return plain(_BULLET.sub("", p.text, count=1))


def intro_of(ps: list[Passage], index: int) -> str:
    """The sentence introducing the list item at `index`: its lead, else the last non-item passage before the
    item in the same clause when that passage ends with a colon ("**Catégories de sous-traitants :**")."""
    p = ps[index]
    if p.lead:
        return p.lead
    for q in reversed(ps[:index]):
        if q.clause != p.clause:
            return ""
        if not is_item(q):
            return q.text if plain(q.text).rstrip().endswith(":") else ""
    return ""


def opens_clause(ps: list[Passage], index: int) -> bool:
    """The item belongs to a list that opens its clause: no sentence between the heading and the list."""
    p = ps[index]
    for q in reversed(ps[:index]):
        if q.clause != p.clause:
            return True
        if not is_item(q):
            return False
    return True
