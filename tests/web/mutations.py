"""Hostile input for every form of the app: find the forms by reading the pages, then send each field bad values.

The forms are found, not listed: every page a member can open (the generic CRUD pages of each registered entity
and the extra pages: breaches, changes, contracts, members, settings, account) is read, and each <form> on it
(POST and GET alike, list searches included) is sent back with one field replaced at a time, the other fields
keeping the values the page offered. A response of 500 or more, or an exception escaping the app, is a failure.
"""

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
from flask import Flask
from werkzeug.datastructures import MultiDict

# Each value with a short name for the report. Bytes are sent as they are (not valid UTF-8 for two of them).
HOSTILE: list[tuple[str, str | bytes]] = [
    ("empty", ""),
    ("blank", "   "),
    ("huge", "x" * 100_000),
    ("nul", "a\x00b"),
    ("controls", "a\x01\x07\x08\x1b[31m\x7fz"),
    ("c1-controls", "a\u0085\u009bz"),
    ("newline", "line one\r\nline two"),
    ("tab", "a\tb"),
    ("not-a-number", "abc"),
    ("negative", "-1"),
    ("huge-number", "99999999999999999999"),
    ("float", "1e309"),
    ("nan", "NaN"),
    ("superscript-digit", "²"),
    ("date-zero", "0000-00-00"),
    ("date-far", "10000-01-01"),
    ("date-feb-30", "2024-02-30"),
    ("datetime-bad", "2024-13-40T25:61"),
    ("surrogate-escaped", "\\ud800\\udfff"),
    ("surrogate-bytes", b"\xed\xa0\x80"),
    ("invalid-utf8", b"\xff\xfe\xc3"),
    ("rtl", "\u202egnp.exe\u200f"),
    ("emoji", "\U0001f469\u200d\U0001f469\u200d\U0001f467 \U0001f512"),
    ("combining", "e\u0301" * 500),
    ("bom-nonchar", "\ufeff\uffff"),
    ("markup", "<script>alert(1)</script>&amp;"),
]

# Pages whose forms are not sent: leaving the session, switching language, downloads.
SKIP_ACTIONS = ("/logout", "/lang/")
SKIP_ENDPOINTS = {"static", "set_language", "auth.logout", "documents.job", "documents.job_pdf"}
FILE_SUFFIXES = (".pdf", ".csv", ".json", ".atom", "/file")


@dataclass
class Form:
    """A form as a page offers it: where it goes, how, and its fields with the values the page filled in."""

    page: str
    action: str
    method: str
    multipart: bool
    pairs: list[tuple[str, str]]  # successful controls as the page filled them (csrf token included)
    names: list[str]  # every named control, in page order
    files: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        return (self.method, self.action, tuple(self.names))


@dataclass
class Outcome:
    form: Form
    field: str
    value: str
    status: int
    error: str = ""


def page_urls(app: Flask, slug: str, ids: dict[str, int]) -> list[str]:
    """Every GET page of an organisation and of the account that takes no id beyond `record_id`.

    `ids` maps a blueprint name to the id of one of its records (the entity's first record in the organisation).
    """
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.startswith(("api.", "public.")):
            continue
        if rule.rule.endswith(FILE_SUFFIXES) or "<path:" in rule.rule:
            continue
        args = set(rule.arguments)
        values: dict[str, object] = {}
        if "slug" in args:
            values["slug"] = slug
        if "record_id" in args:
            area = rule.endpoint.split(".")[0]
            if area not in ids:
                continue
            values["record_id"] = ids[area]
        if args - set(values):
            continue
        with app.test_request_context():
            from flask import url_for

            out.append(url_for(rule.endpoint, **values))
    return sorted(set(out))


def forms_on(url: str, body: str) -> list[Form]:
    doc = lxml.html.fromstring(body)
    found = []
    for form in doc.forms:
        method = (form.get("method") or "get").lower()
        action = urljoin(url, form.get("action") or url)
        if any(part in urlsplit(action).path for part in SKIP_ACTIONS):
            continue
        names, files = [], []
        for el in form.inputs:
            name = el.get("name")
            kind = (el.get("type") or "").lower()
            if not name or kind in ("submit", "button", "reset", "image"):
                continue
            if kind == "file":
                files.append(name)
            if name not in names:
                names.append(name)
        pairs = [(n, v) for n, v in form.form_values() if n not in files]
        found.append(Form(url, action, method, (form.get("enctype") or "").startswith("multipart"), pairs, names, files))
    return found


def discover(client, urls: Iterable[str]) -> list[Form]:
    """The distinct forms of the pages (a form repeated on several pages is sent once)."""
    seen: dict[tuple, Form] = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        for form in forms_on(url, response.get_data(as_text=True)):
            seen.setdefault(form.key, form)
    # Forms that end something (delete, retire, remove, revoke, cancel) last: the others still find their record.
    ending = ("/delete", "/retire", "/remove", "/revoke", "/cancel", "/effective")
    return sorted(seen.values(), key=lambda f: (f.action.endswith(ending), f.action, f.method))


# Sent to every field even in the fast run: the character that PostgreSQL refuses and SQLite stores.
ALWAYS = ("nul",)


def mutations(form: Form, values: list[tuple[str, str | bytes]], per_field: int | None = None) -> Iterator[tuple[str, str, str | bytes]]:
    """(field, value name, value): every value for every field; or, with `per_field`, the ALWAYS values and
    `per_field` others taken in turn from the list, so that the fields of a form share the whole list between them."""
    targets = [n for n in form.names if n != "csrf_token"]
    always = [v for v in values if v[0] in ALWAYS]
    others = [v for v in values if v[0] not in ALWAYS]
    for i, name in enumerate(targets):
        if per_field is None:
            chosen = values
        else:
            chosen = always + [others[(i * per_field + k) % len(others)] for k in range(per_field)]
        for label, value in chosen:
            yield name, label, value


def send(client, form: Form, name: str, value: str | bytes):
    pairs: list[tuple[str, str | bytes]] = [(n, v) for n, v in form.pairs if n != name]
    if name not in form.files:
        pairs.append((name, value))
    if form.multipart:
        data = MultiDict([(n, v.decode("utf-8", "replace") if isinstance(v, bytes) else v) for n, v in pairs])
        for f in form.files:
            filename = value if f == name else "contract.txt"
            filename = filename.decode("utf-8", "replace") if isinstance(filename, bytes) else filename
            data.add(f, (io.BytesIO(b"Data processing agreement.\nArticle 28.\n"), filename or "", "text/plain"))
        return client.post(form.action, data=data, content_type="multipart/form-data")
    body = urlencode(pairs)
    if form.method == "post":
        return client.post(form.action, data=body, content_type="application/x-www-form-urlencoded")
    return client.get(f"{form.action.split('?')[0]}?{body}")


def run(client, forms: list[Form], values=HOSTILE, per_field: int | None = None) -> list[Outcome]:
    out = []
    for form in forms:
        for name, label, value in mutations(form, values, per_field):
            try:
                status, error = send(client, form, name, value).status_code, ""
            except Exception as exc:  # the app let it escape: what a browser would see as a 500
                status, error = 500, f"{type(exc).__name__}: {str(exc)[:200]}"
            out.append(Outcome(form, name, label, status, error))
    return out


def server_errors(outcomes: list[Outcome]) -> list[str]:
    return [f"{o.form.method.upper()} {o.form.action} {o.field}={o.value} -> {o.status} {o.error}"
            for o in outcomes if o.status >= 500]
