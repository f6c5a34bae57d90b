"""French (default) and English interface through Flask-Babel; the choice is kept in the session."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, redirect, request, session, url_for
from flask_babel import Babel

TRANSLATIONS = Path(__file__).parent / "translations"


def compile_catalogs(target: Path) -> Path:
    """Compile the shipped .po catalogs into `target` when they are newer than the compiled ones."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = target / po.relative_to(TRANSLATIONS).with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as src:
            catalog = read_po(src)
        tmp = mo.with_suffix(".tmp")
        with tmp.open("wb") as out:
            write_mo(out, catalog)
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
    lang = session.get("lang") if request else None
    return lang if lang in ("fr", "en") else "fr"


def init_i18n(app: Flask) -> None:
    compiled = compile_catalogs(Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    Babel(app, locale_selector=current_lang, timezone_selector=lambda: "Europe/Paris")

    @app.get("/lang/<code>")
    def set_language(code: str):
        if code in ("fr", "en"):
            session["lang"] = code
            session.permanent = True
        return redirect(local_path(request.args.get("next")) or url_for("home.index"))

    app.jinja_env.globals["current_lang"] = current_lang
