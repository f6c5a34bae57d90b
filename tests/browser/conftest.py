"""A real browser (Debian's chromium driven by Playwright) against the app served on 127.0.0.1 by a thread."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from a11y import assert_accessible

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DPO, PASSWORD = "dpo@acme.example.com", "correct horse battery"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed by scripts/system-packages, never from a test."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing: install the Debian package chromium (as root: scripts/system-packages)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def acme_database(sqlite_templates, tmp_path_factory) -> Path:
    """An SQLite file at head with ACME and its DPO, made once per run: each test serves its own copy of it."""
    from registry import create_app
    from registry.db import get_session
    from registry.models import Organisation
    from registry.services import users

    path = tmp_path_factory.mktemp("browser-template") / "browser.db"
    shutil.copyfile(sqlite_templates["migrated"].removeprefix("sqlite:///"), path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "browser-test", "REGISTRY_BOOTSTRAP_ADMIN": False})
    with app.app_context():
        session = get_session()
        org = Organisation(slug="acme", legal_name="ACME SAS", country="FR", dpo_name="Jeanne Martin",
                           contact_email="contact@acme.example", address="1 rue de la Paix, Paris")
        session.add(org)
        session.flush()
        users.grant(session, users.create_user(session, DPO, PASSWORD), org, "dpo")
        session.commit()
    app.extensions["registry.engine"].dispose()
    return path


@pytest.fixture
def server(acme_database, tmp_path):
    """The app on its own SQLite file (tmp_path/browser.db, a copy of `acme_database`: one organisation and its
    DPO), served on a free port of 127.0.0.1."""
    from werkzeug.serving import make_server

    from registry import create_app

    shutil.copyfile(acme_database, tmp_path / "browser.db")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'browser.db'}", "SECRET_KEY": "browser-test",
                      "REGISTRY_BOOTSTRAP_ADMIN": False})
    app.instance_path = str(tmp_path / "instance")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)
    app.extensions["registry.engine"].dispose()


@pytest.fixture
def log_in(server):
    """Log a page in through the login form, as the DPO of ACME."""

    def run(pg) -> None:
        pg.goto(f"{server}/login")
        pg.fill("#email", DPO)
        pg.fill("#password", PASSWORD)
        pg.locator("form.form button[type=submit]").click()
        pg.wait_for_url(f"{server}/")

    return run


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The browser tests are one xdist group: under `--dist loadgroup` a single worker runs them all, with one
    chromium and one `acme_database` (pytest-xdist reads the mark after this hook)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep the call's outcome on the test item, for fixtures that check more only after a passing test."""
    report = yield
    if report.when == "call":
        item.call_passed = report.passed
    return report


@pytest.fixture
def page(browser, log_in, request):
    """A logged-in page; the page a passing test ends on must pass axe too (walks check pages on their way)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    log_in(pg)
    yield pg
    try:
        if getattr(request.node, "call_passed", False):
            assert_accessible(pg)
    finally:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
