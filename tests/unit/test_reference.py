"""Reference data: complete, sourced, dated, bilingual; and the domain layer stays pure."""

import ast
import re
import string
from pathlib import Path

from registry import reference

DOMAIN = Path(__file__).parents[2] / "registry" / "domain"


def test_countries_are_iso_alpha2_with_both_names_and_30_eea_members():
    countries = reference.countries()
    assert len(countries) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) and v.name_en and v.name_fr for c, v in countries.items())
    assert sum(c.eea for c in countries.values()) == 30
    assert sum(c.eu for c in countries.values()) == 27
    assert {c for c, v in countries.items() if v.eea and not v.eu} == {"IS", "LI", "NO"}
    assert reference.country("GB").eu is False
    assert reference.country("US").name("fr") == "États-Unis"


def test_every_adequacy_decision_has_a_decision_date_source_and_check_date():
    decisions = reference.adequacy_decisions()
    expected = {"AD", "AR", "BR", "CA", "CH", "FO", "GB", "GG", "IL", "IM", "JE", "JP", "KR", "NZ", "US", "UY", "org:EPO"}
    assert {a.destination for a in decisions} == expected
    for a in decisions:
        assert a.decision and a.source_url.startswith("https://") and a.last_checked
    assert reference.adequacy_for("US", reference.adequacy_decisions()[0].last_checked).condition == "dpf_certified_only"


def test_vocabularies_are_bilingual_with_a_source():
    for name in reference.vocabulary_names():
        assert reference.vocabulary_source(name)
        for term in reference.vocabulary(name).values():
            assert term.fr and term.en, (name, term.code)
    headings = reference.vocabulary("measure_headings")
    assert sum(t.get("origin") == "cnil" for t in headings.values()) == 7
    assert headings["physical_security"].get("origin") == "scc"  # not a CNIL heading (GDPR-BRIEF)
    assert len(reference.special_category_codes()) == 8


def test_every_flag_message_renders_in_both_languages():
    for code, messages in reference.flag_messages().items():
        for lang in ("fr", "en"):
            fields = {f for _, f, _, _ in string.Formatter().parse(messages[lang]) if f}
            assert messages[lang].format(**{f: "X" for f in fields}), (code, lang)


def test_every_flag_raised_by_the_domain_has_a_message():
    raised = set()
    for path in DOMAIN.glob("*.py"):
        text = path.read_text()
        raised |= set(re.findall(r'flag\(\s*"([a-z0-9_]+)"', text))
        raised |= set(re.findall(r'\(t\.\w+, "([a-z0-9_]+)", "Art\.', text))
    assert len(raised) > 50
    assert raised <= set(reference.flag_messages())


def test_domain_layer_imports_no_flask_database_or_io():
    for path in DOMAIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"flask", "sqlmodel", "sqlalchemy", "requests", "os", "subprocess"}, (
                    path.name, name)


def test_articles_of_the_vocabularies_are_cited_in_the_interface_language():
    """French pages showed "(Chapter V)", "Decision (EU) 2021/914", "second subparagraph"."""
    mechanisms = reference.vocabulary("transfer_mechanisms")
    assert mechanisms["none"].article_in("fr") == "chapitre V" and mechanisms["none"].article_in("en") == "Chapter V"
    assert "décision (UE) 2021/914" in mechanisms["scc"].article_in("fr")
    assert reference.vocabulary("art49_grounds")["art49_1_2"].article_in("fr").endswith("second alinéa")
    english = ("Chapter", "Decision", "subparagraph")
    for name in reference.vocabulary_names():
        for term in reference.vocabulary(name).values():
            assert not any(w in (term.article_in("fr") or "") for w in english), (name, term.code)
