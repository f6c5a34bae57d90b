"""Tables and lists inside a contract's passages: markdown table rows as cells, list items with the sentence that
introduces them. The segmenter joins a table's lines into one passage; its rows are found back here."""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from registry.domain.contracts.segment import Passage

_DASHES = re.compile(r"^\s*:?-{3,}:?\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦·*\-–]|\(?[a-z]\)|\(?[ivx]+\)|\d{1,2}[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?!\s)|(?<!\s)[*_](?!\w)")
_INTRODUCES = re.compile(r":\s*$|\b(?:following|below|as follows|listed|ci-dessous|ci-apres|ci-après|suivants?|suivantes?)\b",
                         re.I)
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


class _HtmlTable(HTMLParser):
    """Rows of <table> elements: cell texts per <tr>, <th> and <td> alike."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables and self.tables[-1]:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(text: str) -> list[Table]:
    """HTML tables inside a Markdown contract ("<table><tr><th>Name</th>..."): the first row is the header."""
    if "<table" not in text.lower():
        return []
    parser = _HtmlTable()
    parser.feed(text)
    parser.close()
    out = []
    for rows in parser.tables:
        rows = [r for r in rows if r]
        if len(rows) >= 2:
            width = len(rows[0])
            out.append(Table(tuple(rows[0]), tuple(tuple((r + [""] * width)[:width]) for r in rows[1:])))
    return out


def is_item(p: Passage) -> bool:
    return bool(_BULLET.match(p.text))


def item_text(p: Passage) -> str:
    """A list item without its bullet and emphasis."""
    return plain(_BULLET.sub("", p.text, count=1))


def preceding_text(ps: list[Passage], index: int) -> str:
    """The passage before `index` in the same clause ("The table below lists our sub-processors."), or ""."""
    if index and ps[index - 1].clause == ps[index].clause:
        return ps[index - 1].text
    return ""


def intro_of(ps: list[Passage], index: int) -> str:
    """The sentence introducing the list item at `index`: its lead, else the last non-item passage before the
    item in the same clause when it announces a list: a final colon ("**Catégories de sous-traitants :**"),
    "the following", "listed below", "ci-dessous"."""
    p = ps[index]
    if p.lead:
        return p.lead
    for q in reversed(ps[:index]):
        if q.clause != p.clause:
            return ""
        if not is_item(q):
            return q.text if _INTRODUCES.search(plain(q.text)) else ""
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
