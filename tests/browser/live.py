"""A second kind of live server for the browser walks: a copy of the seeded demo register, served on 127.0.0.1."""

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEMO_DPO, DEMO_PASSWORD = "dpo@demo.example.com", "demo-dpo-password"


@contextmanager
def demo_server(template_url: str, folder: Path) -> Iterator[str]:
    """The app on a copy of the demo template (the five demo organisations and accounts), on a free port."""
    from werkzeug.serving import make_server

    from registry import create_app

    path = folder / "demo.db"
    shutil.copyfile(template_url.removeprefix("sqlite:///"), path)
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "browser-demo",
                      "REGISTRY_BOOTSTRAP_ADMIN": False})
    app.instance_path = str(folder / "instance")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(5)
        app.extensions["registry.engine"].dispose()


def log_in_demo(page, server: str) -> None:
    """Log a page in through the login form as the demo DPO."""
    page.goto(f"{server}/login")
    page.fill("#email", DEMO_DPO)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(f"{server}/")
