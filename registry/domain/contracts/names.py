"""Sub-processors a contract names (Art. 28(2)), with the country the contract states for each."""

import re
from functools import cache

from registry.domain.contracts.segment import Passage, fold
from registry.reference import countries

# Where contracts list providers: "(tels qu'OVH, Gandi ou équivalent)", "notamment OpenAI, L.L.C.,",
# "(ex. Vitrine Media)", "such as AWS and Twilio", "comme Ubiflow ou équivalent".
_TRIGGER = re.compile(r"\b(?:tel(?:le)?s?\s+qu(?:e\s+|['’]\s*)|notamment\s+|comme\s+|ex\.\s*|such as\s+|including\s+|e\.g\.,?\s*)", re.I)
_STOP = re.compile(r"\s*(?:\bou (?:équivalent|tout autre|toute autre|encore)\b|\bor (?:equivalent|any other)\b|\betc\b"
                   r"|,?\s+(?:pour|dans le cadre|permettant|assurant|lorsque|afin|via|for|to|which|that|when)\b|[.;:](?:\s|$))", re.I)
_SPLIT = re.compile(r",\s*|\s+(?:ou|et|or|and)\s+")
_LEGAL_SUFFIX = re.compile(r"^(?:l\.?l\.?c\.?|inc\.?|ltd\.?|limited|s\.?a\.?s\.?|s\.?a\.?|gmbh|b\.?v\.?|plc)$", re.I)
_CONTEXT = re.compile(r"sous-trait|sub-?processor|prestataires?|provider|hebergeur|plateformes?|portails?|platform")
_CLAUSE_CONTEXT = re.compile(r"sous-trait|donnees|personal data|sub-?processor|data processing|heberg|hosting")
_HOSTING = re.compile(r"(?i:data ?cent(?:er|re)s?|centres? de donn[ée]es|datacenters?)\s+(?i:de\s+|d['’]|of\s+)?"
                      r"([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)|(?i:h[ée]berg\w*\s+(?:chez|par))\s+([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)|"
                      r"(?i:hosted\s+(?:by|with|at))\s+([A-Z][\w&.-]*(?:\s[A-Z][\w&.-]*)?)")
_PLACE_WORDS = {"de", "du", "des", "d", "la", "le", "les", "en", "à", "a", "of", "the"}


def named_subprocessors(ps: list[Passage]) -> list[dict]:
    """[{"name", "country", "page", "line"}] in order of first mention; country only where the contract says it."""
    seen: dict[str, dict] = {}
    party = _contracting_parties(ps)
    for p in ps:
        names = []
        if _CLAUSE_CONTEXT.search(fold(p.clause)) or re.search(r"sous-trait|sub-?processor", p.folded):
            if _CONTEXT.search(p.folded):
                names += _listed(p.text)
        names += [next(g for g in m.groups() if g) for m in _HOSTING.finditer(p.text)
                  if re.search(r"heberg|host", p.folded)]
        for name in names:
            key = _key(name)
            if key and key not in seen and key not in party:
                seen[key] = {"name": name, "country": None, "page": p.page, "line": p.line}
        if len(names) == 1 and seen.get(_key(names[0])) and seen[_key(names[0])]["country"] is None:
            seen[_key(names[0])]["country"] = _country_in(p.text.replace(names[0], " "))
    return list(seen.values())


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
            and words[0].lower() not in {"le", "la", "les", "l", "un", "une", "des", "the", "a", "an", "tout", "toute"})


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name.split()[0]) if name.split() else "")


@cache
def _country_patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    for c in countries().values():
        for name in {c.name_en, c.name_fr}:
            out.append((c.code, re.compile(r"\b" + re.escape(fold(name)) + r"\b")))
    return out


def _country_in(text: str) -> str | None:
    """ISO code of the single country a passage names, or None when it names none or several."""
    folded = fold(text)
    codes = {code for code, pat in _country_patterns() if pat.search(folded)}
    return codes.pop() if len(codes) == 1 else None
