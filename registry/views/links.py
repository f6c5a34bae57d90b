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


def init_links(app: Flask) -> None:
    app.jinja_env.globals["external_url"] = external_url
