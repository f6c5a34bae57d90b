"""Sub-processors a contract names (Art. 28(2)), with the country the contract states for each.

Names come from sub-processor tables (one row per company, its location column for the country), from lists
introduced as sub-processors, from "such as / tels que" and parenthesised lists of providers, from "engages X
as processor" and from hosting phrases. A candidate must look like a company name: headings, defined terms,
certifications and the vendor's own staff or affiliates are refused, because a DPO copies this list.
"""

import re
from dataclasses import replace
from functools import cache, lru_cache

from registry.domain.contracts import listings
from registry.domain.contracts.segment import Passage, fold
from registry.reference import countries

# Clause headings and list leads repeat on every passage of their clause: fold each once.
_heading = lru_cache(maxsize=4096)(fold)

# Where contracts list providers: "(tels qu'OVH, Gandi ou équivalent)", "notamment OpenAI, L.L.C.,",
# "(ex. Vitrine Media)", "such as AWS and Twilio", "comme Ubiflow ou équivalent".
_TRIGGER = re.compile(r"\b(?:tel(?:le)?s?\s+qu(?:e\s+|['’]\s*)|notamment\s+|comme\s+|ex\.\s*|such as\s+|including\s+|e\.g\.,?\s*)", re.I)
_STOP = re.compile(r"\s*(?:\bou (?:équivalent|tout autre|toute autre|encore)\b|\bor (?:equivalent|any other)\b|\betc\b"
                   r"|,?\s+(?:pour|dans le cadre|permettant|assurant|lorsque|afin|via|for|to|which|that|when)\b|[.;:](?:\s|$))", re.I)
_SPLIT = re.compile(r",\s*|\s+(?:ou|et|or|and|&)\s+")
_LEGAL_SUFFIX = re.compile(r"^(?:l\.?l\.?c\.?|inc\.?|ltd\.?|limited|s\.?a\.?s\.?u?|s\.?a\.?r\.?l\.?|s\.?a\.?|gmbh|b\.?v\.?|plc"
                           r"|corp\.?|corporation|llp|pbc|ag|n\.?v\.?|s\.?e\.?|aps|ab|oy|s\.?r\.?l\.?|s\.?p\.?a\.?|eurl)$", re.I)
_CONTEXT = re.compile(r"sous-trait|sub-?processor|prestataires?|provider|hebergeur|plateformes?|portails?|platform")
_CLAUSE_CONTEXT = re.compile(r"sous-trait|donnees|personal data|sub-?processor|data processing|heberg|hosting")
_HOSTING = re.compile(r"(?i:data ?cent(?:er|re)s?|centres? de donn[ée]es|datacenters?)\s+(?i:de\s+|d['’]|of\s+)?"
                      r"([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)|(?i:h[ée]berg\w*\s+(?:chez|par))\s+([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)|"
                      r"(?i:hosted\s+(?:by|with|at))\s+([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)")
# "nos partenaires réseau (Cogent, Telia, Level3)", "certified cloud providers (AWS EU regions)".
_PROVIDERS_IN_BRACKETS = re.compile(r"(?i:providers?|partners?|vendors?|fournisseurs?|partenaires?|prestataires?|hebergeurs?"
                                    r"|hébergeurs?|sous-traitants?|sub-?processors?)(?:\s+[\w'’-]+){0,3}\s*\(([^()]+)\)")
# "Keboola engages Amazon Web Services, Inc., Seattle, WA - USA and Snowflake ... as another processors".
_ENGAGES = re.compile(r"(?i:\b(?:engages?|uses?|utilises?|has appointed|appoints?|fait appel à|recourt à|a recours à))\s+"
                      r"(.{3,300}?)\s+(?i:as|en tant que|comme)\s+(?i:(?:an?|another|its|ses|des|de|d')\s*)?"
                      r"(?i:sub-?processors?|processors?|sous-traitants?)")
_SUBPROCESSOR_TABLE = re.compile(r"sous-trait|sub-?processor|subcontractor")
_NAME_COLUMN = re.compile(r"sous-trait|sub-?processor|subcontractor|\bnames?\b|\bnom\b|entit|provider|prestataire|company|supplier"
                          r"|recipient|destinataire|organi[sz]ation"
                          r"|societe|vendor|fournisseur|raison sociale|third part|partner|partenaire")
_PLACE_COLUMN = re.compile(r"locat|countr|pays|locali|\blieu|region|jurisdiction|juridiction|siege|headquarter|where|ou\b")
_LIST_INTRO = re.compile(r"(?:following|suivants?|ci-apres|ci-dessous|below|approved|autorises?|agrees?|liste?|categories"
                         r"|names?|noms?)\b")
_LIST_SUBJECT = re.compile(r"sous-trait|sub-?processor|subcontractor|prestataires|providers|hebergeurs?|partenaires|partners")
_PARTICLES = {"de", "du", "des", "d", "la", "le", "les", "l", "of", "the", "and", "&", "et", "von", "van", "y", "-", "–"}
_ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "the", "a", "an", "tout", "toute", "tous", "our", "its", "nos",
             "ses", "their", "leurs", "this", "these", "ce", "cette", "ces", "any", "each", "all", "in", "if", "en", "si"}
# Words of the contract itself: a candidate made only of them is a defined term or heading, not a company
# ("Applicable Data Protection Legislation", "Sub-processors", "Security", "Customer Personal Data").
_CONTRACT_WORDS = set("""applicable data protection legislation law laws regulation regulations gdpr rgpd personal
    donnees personnelles personnel sub-processor sub-processors subprocessor subprocessors sous-traitant
    sous-traitants processor processors controller controllers customer customers client clients services service
    agreement contrat party parties affiliate affiliates affilies filiales subsidiaries employees staff salaries
    preposes security securite measures mesures annex annexe schedule appendix exhibit standard contractual clauses
    transfer transfers list liste categories category purpose purposes location locations description name names
    processing traitement confidentiality information notice section article clause terms conditions privacy
    policy cloud infrastructure hosting hebergement support authorised authorized approved other new additional
    integration integrations analytics monitoring platform plateforme provider providers prestataire prestataires
    partner partners partenaires user users utilisateurs account accounts public general main principal principales
    eu eea ue eee us usa uk europe european union""".split())
_STAFF = re.compile(r"\b(?:affiliates?|affili[ée]s?|employees?|staff|personnel|subsidiar\w+|filiales?|salari[ée]s?"
                    r"|pr[ée]pos[ée]s?|contractors?|group companies)\b", re.I)
_STANDARD = re.compile(r"^(?:iso|iec|soc|pci|hipaa|hds|gdpr|rgpd|ccpa|ssae|isae|nist|csa|star|secnumcloud|tisax|fedramp"
                       r"|cyber essentials|owasp|aes|tls|ssl|sha|rsa|mfa|2fa|sso|api|sla|dpa|scc|sccs|bcr|idta)\b", re.I)
_PLACEHOLDER = re.compile(r"[«»\[\]<>{}]|x{3,}|…|\.\.\.|\bn/?a\b|^[-–—]$|^tbd$|^\?", re.I)
_TRAILING_GENERIC = re.compile(r"(?:\s+(?:regions?|r[ée]gions?|data ?cent(?:er|re)s?|datacenters?|infrastructure|cloud|services?"
                               r"|EU|EEA|UE|EEE|US|UK))+$")
# Written in capitals only: "us" is a pronoun, "US" a country.
_COUNTRY_ALIASES = {"USA": "US", "U.S.A.": "US", "U.S.": "US", "US": "US", "UK": "GB", "U.K.": "GB"}


def named_subprocessors(ps: list[Passage]) -> list[dict]:
    """[{"name", "country", "page", "line"}] in order of first mention; country only where the contract says it."""
    ps = _tables_rejoined(ps)
    seen: dict[str, dict] = {}
    party = _contracting_parties(ps)
    common = _common_words(ps)

    def add(name: str, country: str | None, p: Passage) -> None:
        key = _key(name)
        if key and key not in party:
            if key not in seen:
                seen[key] = {"name": name, "country": country, "page": p.page, "line": p.line}
            elif seen[key]["country"] is None:
                seen[key]["country"] = country

    for i, p in enumerate(ps):
        for name, country in _from_tables(p, listings.preceding_text(ps, i)):
            add(name, country, p)
        if listings.is_item(p):
            for name, country in _from_item(ps, i, common):
                add(name, country, p)
        names = []
        if _CLAUSE_CONTEXT.search(_heading(p.clause)) or re.search(r"sous-trait|sub-?processor", p.folded):
            if _CONTEXT.search(p.folded):
                names += [n for n in _listed(p.text) if _is_company(n, common)]
            names += [n for m in _PROVIDERS_IN_BRACKETS.finditer(p.text) for n in _bracketed(m.group(1), common)]
        elif re.search(r"heberg|host", p.folded):
            names += [n for m in _PROVIDERS_IN_BRACKETS.finditer(p.text) for n in _bracketed(m.group(1), common)]
        names += [next(g for g in m.groups() if g) for m in _HOSTING.finditer(p.text)
                  if re.search(r"heberg|host", p.folded) and _is_company(next(g for g in m.groups() if g), common)]
        for name in names:
            add(name, None, p)
        if len(names) == 1 and seen.get(_key(names[0])) and seen[_key(names[0])]["country"] is None:
            seen[_key(names[0])]["country"] = _country_in(p.text.replace(names[0], " "))
        for name, country in _engaged(p.text, common):
            add(name, country, p)
    return list(seen.values())


def _tables_rejoined(ps: list[Passage]) -> list[Passage]:
    """The segmenter quotes each row of a Markdown table as a passage of its own and drops the "|---|" rule;
    the rows of one table (consecutive "|" passages of one clause) are joined back here, the rule restored after
    the first row (a Markdown table's header), so that a table is read as a table."""
    out: list[Passage] = []
    run: list[Passage] = []

    def close() -> None:
        if len(run) > 1:
            width = max(len(run[0].text.strip().strip("|").split("|")), 1)
            rule = "|" + "---|" * width
            text = " ".join([run[0].text.strip(), rule, *(r.text.strip() for r in run[1:])])
            out.append(replace(run[0], text=text, folded=fold(text)))
        else:
            out.extend(run)
        run.clear()

    for p in ps:
        if p.text.lstrip().startswith("|") and (not run or run[-1].clause == p.clause):
            run.append(p)
            continue
        close()
        if p.text.lstrip().startswith("|"):
            run.append(p)
        else:
            out.append(p)
    close()
    return out


def _from_tables(p: Passage, before: str) -> list[tuple[str, str | None]]:
    """Rows of a sub-processor table (Markdown or HTML): the name column, and the location column, of each row.

    A table is about sub-processors when its header, its clause heading or the sentence before it says so.
    """
    out = []
    for table in listings.tables(p.text) + listings.html_tables(p.text):
        header = [fold(c) for c in table.header]
        name_col = next((i for i, h in enumerate(header) if _NAME_COLUMN.search(h)), None)
        opening = re.split(r"<table|\|", p.text, maxsplit=1, flags=re.I)[0]  # the sentence joined before the table
        about = f"{' '.join(header)} {_heading(p.clause)} {_heading(p.lead)} {fold(before)} {fold(opening)}"
        if name_col is None or not _SUBPROCESSOR_TABLE.search(about):
            continue
        place_col = next((i for i, h in enumerate(header) if i != name_col and _PLACE_COLUMN.search(h)), None)
        for row in table.rows:
            name = row[name_col].strip()
            if _is_company(name, frozenset(), strict=False):
                place = row[place_col] if place_col is not None else " ".join(re.findall(r"\(([^)]*)\)", name))
                out.append((name, _country_in(place, several=True) if place else None))
    return out


def _from_item(ps: list[Passage], index: int, common: frozenset[str]) -> list[tuple[str, str | None]]:
    """Names in one list item whose introduction announces sub-processors ("The following Sub-processors are
    approved:", "Catégories de sous-traitants :"); "**Label :** A, B" keeps what follows the label."""
    intro = fold(listings.plain(listings.intro_of(ps, index)))
    heading = _heading(ps[index].clause)
    if not (_LIST_INTRO.search(intro) and _LIST_SUBJECT.search(intro)
            or not intro and listings.opens_clause(ps, index) and _SUBPROCESSOR_TABLE.search(heading)):
        return []
    text = listings.item_text(ps[index])
    label, rest = (text.split(":", 1) if re.match(r"^[^:]{1,60}:\s*\S", text) else ("", text))
    # "Stripe – payment processing (USA)": the name before a dash, the rest describes it.
    head, _dash, tail = rest.partition(" – ") if " – " in rest else rest.partition(" - ")
    if tail and _is_company(re.sub(r"\s*\([^)]*\)", "", head).strip(), common):
        return [(re.sub(r"\s*\([^)]*\)", "", head).strip(), _country_in(tail))]
    out = []
    if label and rest.strip()[:1].islower() and _is_company(label.strip(), common):
        return [(label.strip(), _country_in(rest))]  # "**Stripe**: payment processing"
    for part in _parts(rest):
        bare = re.sub(r"\s*\([^)]*\)", "", part).strip(" .;")
        if _is_company(bare, common):
            out.append((bare, None))
        elif (run := _leading_company(part)) and _is_company(run, common):
            # "* Amazon Web Services EMEA SARL In addition, ..." (the next paragraph joined to the item)
            out.append((run, None))
    return out


def _parts(text: str) -> list[str]:
    """Comma/and-separated parts, with a legal form re-attached to its name ("Amazon Web Services, Inc.")."""
    out: list[str] = []
    for item in _SPLIT.split(text):
        item = item.strip(" ,\"«»")
        if out and _LEGAL_SUFFIX.match(item.rstrip(".")) or out and _LEGAL_SUFFIX.match(item):
            out[-1] = f"{out[-1]}, {item}"
        elif item:
            out.append(item)
    return out


def _leading_company(text: str) -> str | None:
    """The capitalised words a text opens with, up to a legal form ("Amazon Web Services EMEA SARL")."""
    words = []
    for w in text.split():
        words.append(w)
        if _LEGAL_SUFFIX.match(w.rstrip(",")):
            return " ".join(words).rstrip(",")
        if not (w[0].isupper() or w[0].isdigit()):
            return None
    return None


def _bracketed(inside: str, common: frozenset[str]) -> list[str]:
    out = []
    for part in _parts(inside):
        name = _TRAILING_GENERIC.sub("", part).strip()
        if _is_company(name, common):
            out.append(name)
    return out


def _engaged(text: str, common: frozenset[str]) -> list[tuple[str, str | None]]:
    out = []
    for m in _ENGAGES.finditer(text):
        for item in re.split(r"\s+(?:and|et)\s+", m.group(1)):
            bits = [b.strip() for b in item.split(",")]
            cut = next((i for i, b in enumerate(bits) if _LEGAL_SUFFIX.match(b)), 0)
            name = ", ".join(bits[:cut + 1])
            if _is_company(name, common):
                out.append((name, _country_in(", ".join(bits[cut + 1:]))))
    return out


def _is_company(name: str, common: frozenset[str], strict: bool = True) -> bool:
    """A company name, not a heading, defined term, certification, placeholder or the vendor's own staff.

    `strict` (lists and running text) also refuses one capitalised word the contract writes elsewhere in lower
    case ("Security"); a table's name column is trusted on that point.
    """
    name = name.strip()
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if not 0 < len(words) <= 7 or not re.search(r"[^\W\d_]{2}", name) or _PLACEHOLDER.search(name) or _STANDARD.match(name) or _STAFF.search(name):
        return False
    if not (words[0][0].isupper() or words[0][0].isdigit() or any(c.isupper() for c in words[0])):
        return False
    folded = [re.sub(r"[^\w&-]", "", fold(w)) for w in words]
    if folded[0] in _ARTICLES:
        return False
    significant = [w for w, f in zip(words, folded, strict=True) if f not in _PARTICLES and not _LEGAL_SUFFIX.match(w)]
    if not significant or all(fold(w).strip(".,()'’") in _CONTRACT_WORDS for w in significant):
        return False
    if any(not (any(c.isupper() or c.isdigit() for c in w) or w[0] in "(&") for w in significant):
        return False  # "Fournisseurs d'infrastructure physique": a description, not a name
    if strict and len(significant) == 1 and fold(significant[0]).strip(".,") in common:
        return False
    return True


def _common_words(ps: list[Passage]) -> frozenset[str]:
    """Words the contract writes in lower case: a single capitalised one of them is a heading, not a name."""
    words = {w for p in ps for w in re.findall(r"(?<![\w.'’])[a-zà-ÿ][a-zà-ÿ-]{2,}(?![\w])", p.text)}
    return frozenset(fold(w) for w in words)


def _contracting_parties(ps: list[Passage]) -> set[str]:
    """Names so frequent that they are a party to the contract (the vendor itself), not a sub-processor."""
    words: dict[str, int] = {}
    for p in ps:
        for w in set(re.findall(r"[a-z0-9][a-z0-9'-]{2,}", p.folded)):
            words[w] = words.get(w, 0) + 1
    bound = max(20, len(ps) // 20)
    return {re.sub(r"[^a-z0-9]", "", w) for w, n in words.items() if n > bound}


def _listed(text: str) -> list[str]:
    out: list[str] = []
    for m in _TRIGGER.finditer(text):
        rest = text[m.end():]
        depth, end = 0, len(rest)
        for i, ch in enumerate(rest):
            depth += ch == "("
            if ch == ")":
                if depth == 0:
                    end = i
                    break
                depth -= 1
        rest = rest[:end]
        if stop := _STOP.search(rest):
            rest = rest[:stop.start()]
        for item in _SPLIT.split(rest):
            item = item.strip(" ,()\"«»")
            if out and _LEGAL_SUFFIX.match(item) and out[-1] in rest:
                out[-1] = f"{out[-1]} {item}"
            elif _is_name(item):
                out.append(re.sub(r"\s*\(([^)]*)\)", r" – \1", item))
    return out


def _is_name(item: str) -> bool:
    words = item.split()
    return (0 < len(words) <= 6 and any(c.isupper() for c in words[0])
            and words[0].lower() not in _ARTICLES)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name.split()[0]) if name.split() else "")


@cache
def _country_patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for c in countries().values():
        for name in {c.name_en, c.name_fr}:
            out.append((c.code, re.compile(r"\b" + re.escape(fold(name)) + r"\b")))
    return out


def _country_in(text: str, several: bool = False) -> str | None:
    """ISO code of the single country a text names, or None when it names none or several.

    With `several` (a table's location cell such as "United States/Canada") the codes are joined: "US/CA".
    """
    folded = fold(text)
    found = [(m.start(), code) for code, pat in _country_patterns() if (m := pat.search(folded))]
    found += [(m.start(), code) for alias, code in _COUNTRY_ALIASES.items()
              if (m := re.search(r"(?<![\w.])" + re.escape(alias) + r"(?![\w])", text))]
    codes = list(dict.fromkeys(code for _, code in sorted(found)))
    if len(codes) == 1 or several and 1 < len(codes) <= 3:
        return "/".join(codes)
    return None
