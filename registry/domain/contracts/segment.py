"""Split a contract's text into clauses by its own headings and numbering, then into quotable passages."""

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SourceLine:
    """One line of extracted text: its page (None for unpaginated formats) and line number.

    For paginated formats `number` counts lines within the page; otherwise within the document.
    `heading_level` is set when the file format itself marks the line as a heading (DOCX/ODT styles).
    """

    page: int | None
    number: int
    text: str
    heading_level: int | None = None


@dataclass(frozen=True)
class Passage:
    """A sentence or list item of one clause, where it starts, and its folded form used for matching."""

    text: str
    folded: str
    page: int | None
    line: int
    clause: str
    lead: str = ""
    # What the rules read: the folded clause heading, then the passage ("5 sous-traitance :: ... objections").
    # The heading part also names the enclosing clauses ("6 sub-processors 6.4 :: ..."), so an untitled
    # sub-clause is still read under its parent's topic.
    scope: str = ""

    @property
    def quote(self) -> str:
        """The passage as a person checks it: with the sentence that introduces it when it is a list item."""
        return f"{self.lead} … {self.text}" if self.lead else self.text


@dataclass
class Clause:
    """A heading (numbered or not) and the passages that follow it up to the next heading."""

    number: str | None
    title: str
    page: int | None
    line: int
    passages: list[Passage] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " ".join(p for p in (self.number, self.title) if p)[:120]


QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": '"', "»": '"', "“": '"', "”": '"',
                         "–": "-", "—": "-", "‑": "-", "\u00a0": " ", "\u202f": " "})


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text with straight quotes: what the rules match against.

    Accents are dropped because PDF extraction often loses or splits them, and because it lets
    one pattern match "délai" and "delai".
    """
    text = unicodedata.normalize("NFKD", text.translate(QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("œ", "oe").replace("Œ", "oe")
    return re.sub(r"\s+", " ", text).strip().lower()


# Headings as contracts write them: "ARTICLE 5 – DONNEES", "Article 17. Données", "Annexe 4 – ...",
# "17.1 ACCES ...", "2.4.1 Le Prestataire ...", "1 – LIMITATION ...", markdown "## 3. Audit".
_ARTICLE = re.compile(r"^(?:article|art\.|clause|section)\s+(\d+(?:\.\d+)*|[ivxlc]+|premier|1er)\b\s*[-–—.:)]?\s*(.*)$", re.I)
_ANNEX = re.compile(r"^(annexe|appendix|schedule|exhibit|annex)\b\s*(\d+|[a-z]\b|[ivx]+\b)?\s*[-–—.:)]?\s*(.*)$", re.I)
_DOTTED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s*[-–—.:)]?\s+(\S.*)$")
_SINGLE = re.compile(r"^(\d{1,3}|[IVX]{1,5})\s*[-–—.)]\s+(\S.*)$")
_MARKDOWN = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦·*\-]|\(?[a-z]\)|\(?[ivx]+\)|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[\"(]?[A-ZÀ-ÖØ-Þ])")
_TITLE_MAX = 160
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")
_ABBREVIATION = re.compile(r"(?:(?<![^\W\d_])[A-Za-z]|\b(?:art|arts|no|n°|cf|ex|e\.g|i\.e|inc|ltd|co|corp|mr|mrs|dr|st|p|pp|al|vs|resp|min|max|env|réf|ref))\.$", re.I)


def _is_caps_title(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 3 <= len(letters) and len(text) <= 100 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _is_short_title(text: str) -> bool:
    """"5. Sous-traitance": a capitalised phrase with no final punctuation, unlike a numbered list item."""
    return text[0].isupper() and len(text) <= 70 and not text.rstrip().endswith((".", ";", ":", ","))


def heading_of(line: SourceLine) -> tuple[str | None, str] | None:
    """The (number, title) of a heading line, or None when the line is body text."""
    text = line.text.strip().strip("*_").strip()
    if not text:
        return None
    if line.heading_level is not None:
        m = _DOTTED.match(text) or _SINGLE.match(text)
        return (m.group(1), m.group(2)) if m else (None, text)
    if m := _MARKDOWN.match(text):
        inner = m.group(2).strip("*_ ")
        n = _DOTTED.match(inner) or _SINGLE.match(inner) or _ARTICLE.match(inner)
        return (n.group(1), n.group(2)) if n else (None, inner)
    if m := _ARTICLE.match(text):
        return m.group(1), m.group(2)
    if (m := _ANNEX.match(text)) and (m.group(2) or len(text) < 100):
        return " ".join(x for x in (m.group(1).capitalize(), m.group(2)) if x), m.group(3)
    if m := _DOTTED.match(text):
        return m.group(1), m.group(2)
    if (m := _SINGLE.match(text)) and (_is_caps_title(m.group(2)) or _is_short_title(m.group(2))):
        return m.group(1), m.group(2)
    if _is_caps_title(text) and not text.endswith((",", ";")):
        return None, text
    return None


def segment(lines: list[SourceLine]) -> list[Clause]:
    """Clauses in document order; text before the first heading goes to an untitled preamble clause.

    A heading line that goes on with body text ("2.4.1 Le Prestataire peut ...") starts a clause whose
    first passage is that text, so every sentence of the document belongs to exactly one clause.
    """
    clauses: list[Clause] = []
    current = Clause(None, "", lines[0].page if lines else None, lines[0].number if lines else 1)
    buffer: list[tuple[SourceLine, str]] = []
    titles: dict[str, str] = {}  # dotted number -> title, for the parents of "6.4"

    def flush() -> None:
        current.passages.extend(_passages(buffer, current.label, _context(current, titles)))
        buffer.clear()

    for line in lines:
        head = heading_of(line)
        if head is not None:
            flush()
            if current.passages or current.number or current.title:
                clauses.append(current)
            number, title = head
            title, _, rest = title.partition("**") if "**" in title else (title, "", "")
            title, rest = title.strip(" *_"), rest.strip(" *_")
            if rest and title:  # "**6.5 Objection Rights.** If the Customer ...": a run-in heading
                current = Clause(number, title.rstrip(" .:"), line.page, line.number)
                buffer.append((line, rest))
                _remember(titles, current)
                continue
            title = title or rest
            if len(title) > _TITLE_MAX or (title.rstrip().endswith((".", ";")) and len(title) > 40):
                current = Clause(number, "", line.page, line.number)
                buffer.append((line, title))
            else:
                current = Clause(number, title.strip(), line.page, line.number)
            _remember(titles, current)
            continue
        buffer.append((line, line.text))
    flush()
    if current.passages or current.number or current.title:
        clauses.append(current)
    return clauses


def _remember(titles: dict[str, str], clause: Clause) -> None:
    if clause.number and re.fullmatch(r"\d+(?:\.\d+)*", clause.number):
        titles[clause.number] = clause.title
        if "." not in clause.number:  # a new top-level clause: forget the previous one's sub-titles
            for key in [k for k in titles if k.split(".")[0] != clause.number]:
                del titles[key]


def _context(clause: Clause, titles: dict[str, str]) -> str:
    """The clause's heading preceded by the titles of the clauses that enclose it ("6 Sub-processors 6.4")."""
    parents = []
    if clause.number and "." in clause.number:
        parts = clause.number.split(".")
        parents = [titles.get(".".join(parts[:i]), "") for i in range(1, len(parts))]
    return " ".join(t for t in (*parents, clause.label) if t)


def _passages(buffer: list[tuple[SourceLine, str]], clause: str, context: str | None = None) -> list[Passage]:
    """Join wrapped lines into paragraphs, then split paragraphs into sentences and list items.

    A blank line ends a paragraph only after end-of-sentence punctuation or before a list item:
    text extracted from PDFs often puts a blank line after every wrapped line. The sentence that
    introduces a list ("Le Prestataire s'engage à :") is kept as the `lead` of each item, so that a
    rule sees "the persons authorised ... : undertake to respect confidentiality" as one statement.
    """
    out: list[Passage] = []
    para: list[tuple[SourceLine, str]] = []
    state = {"lead": "", "gap": False}

    def close() -> None:
        if para:
            is_item = bool(_BULLET.match(para[0][1]))
            made = _sentences(para, clause, state["lead"] if is_item else "", context)
            if not is_item:
                state["lead"] = ""
            if made and made[-1].text.rstrip().endswith(":"):
                state["lead"] = made[-1].text
            out.extend(made)
            para.clear()

    for line, text in buffer:
        stripped = text.strip()
        if not stripped or _TABLE_RULE.match(stripped):
            state["gap"] = True
            continue
        if stripped.startswith("|"):
            close()
            para.append((line, stripped))
            close()
            continue
        bullet = bool(_BULLET.match(text))
        if para and (bullet or (state["gap"] and para[-1][1].endswith((".", ";", ":", "!", "?")))):
            close()
        state["gap"] = False
        para.append((line, stripped))
    close()
    return out


def _sentences(para: list[tuple[SourceLine, str]], clause: str, lead: str = "",
               context: str | None = None) -> list[Passage]:
    context = fold(clause if context is None else context)
    text, starts = "", []
    for line, chunk in para:
        if text and not text.endswith("-"):
            text += " "
        starts.append((len(text), line))
        text += chunk
    result = []
    cuts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)
                  # "U.S. Data", "art. 28", "L.L.C. pour" do not end a sentence
                  if not _ABBREVIATION.search(text[max(0, m.start() - 12):m.start()])] + [len(text)]
    for begin, stop in zip(cuts, cuts[1:], strict=False):
        piece = text[begin:stop]
        if not piece.strip():
            continue
        where = next(ln for off, ln in reversed(starts) if off <= begin) if starts else None
        folded = fold(f"{lead} {piece}" if lead else piece)
        result.append(Passage(piece.strip(), folded, where.page if where else None, where.number if where else 0,
                              clause, lead, f"{context} :: {folded}" if context else folded))
    return result


def passages(clauses: list[Clause]) -> list[Passage]:
    """Every passage of the document, in order."""
    return [p for c in clauses for p in c.passages]
