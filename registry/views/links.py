"""Addresses that leave the site (Atom feed, e-mail): built on REGISTRY_BASE_URL, never on the request's Host header.

A request's Host header is whatever the client wrote; a link built on it in a feed or a message would send its
readers wherever a forged request pointed.
"""

from urllib.parse import urlsplit

from flask import Flask, current_app

from registry import config


def external_url(endpoint: str, **values) -> str:
    """The absolute address of `endpoint` on the configured external base URL (its path prefix included)."""
    base = urlsplit(config.base_url(current_app.config))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def notice_link_url(change_id: int, client_id: int) -> str:
    """A client's link to its change notice page (Art. 28(2)): signed for that client and that change."""
    from registry.services.notice_links import make_token

    token = make_token(current_app.config["SECRET_KEY"], change_id, client_id)
    return external_url("notice_link.page", change_id=change_id, token=token)


def init_links(app: Flask) -> None:
    app.jinja_env.globals["external_url"] = external_url
