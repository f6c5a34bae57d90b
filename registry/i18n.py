"""French (default) and English interface through Flask-Babel; the choice is kept in the session."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, redirect, request, session, url_for
from flask_babel import Babel

TRANSLATIONS = Path(__file__).parent / "translations"


def catalog_files(lang_dir: Path) -> list[Path]:
    """The .po files of one language: messages.po, then each area's own part under parts/ (merged in that order)."""
    return [lang_dir / "messages.po", *sorted((lang_dir / "parts").glob("*.po"))]


def read_catalog(lang_dir: Path):
    """One catalog merged from `catalog_files`; a message defined twice keeps its first translation."""
    merged = None
    for po in catalog_files(lang_dir):
        if not po.exists():
            continue
        with po.open("rb") as src:
            catalog = read_po(src)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.id not in merged:
                merged[message.id] = message
    return merged


def compile_catalogs(target: Path) -> Path:
    """Compile the shipped catalogs into `target` when any of their .po files is newer than the compiled one."""
    for lang_dir in TRANSLATIONS.glob("*/LC_MESSAGES"):
        sources = [po for po in catalog_files(lang_dir) if po.exists()]
        mo = target / lang_dir.relative_to(TRANSLATIONS) / "messages.mo"
        if mo.exists() and mo.stat().st_mtime >= max(po.stat().st_mtime for po in sources):
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo.with_suffix(f".{os.getpid()}.tmp")  # processes starting together (test or gunicorn workers) never share one
        with tmp.open("wb") as out:
            write_mo(out, read_catalog(lang_dir))
        tmp.replace(mo)
    return target


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None: redirecting elsewhere would be an open redirect.

    Browsers read a backslash as a slash, so "/\\evil.example" is as scheme-relative as "//evil.example";
    control characters are refused too (a tab or newline is dropped by browsers before parsing).
    """
    if not target or not target.startswith("/") or len(target) > 2000:
        return None
    if target[1:2] in ("/", "\\") or any(ord(c) < 32 or c == "\\" for c in target):
        return None
    return target


def current_lang() -> str:
    # A page written for one reader in that reader's language (a client's notice link) sets `g.page_lang`.
    lang = (g.get("page_lang") or session.get("lang")) if request else None
    return lang if lang in ("fr", "en") else "fr"


def current_timezone() -> str:
    """Times on a page are read in the organisation's time zone (Paris outside any organisation)."""
    org = g.get("org") if request else None
    return getattr(org, "timezone", None) or "Europe/Paris"


def init_i18n(app: Flask) -> None:
    compiled = compile_catalogs(Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    Babel(app, locale_selector=current_lang, timezone_selector=current_timezone)

    @app.get("/lang/<code>")
    def set_language(code: str):
        if code in ("fr", "en"):
            session["lang"] = code
            session.permanent = True
        return redirect(local_path(request.args.get("next")) or url_for("home.index"))

    app.jinja_env.globals["current_lang"] = current_lang


def translator(lang: str):
    """The catalogs' gettext for one language, usable outside a request too (headings of exported sheets)."""
    from flask_babel import force_locale, gettext

    def translate(text: str) -> str:
        with force_locale(lang):
            return gettext(text)

    return translate
