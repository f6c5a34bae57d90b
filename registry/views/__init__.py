"""Blueprints of the web interface, one per area of the register."""

from flask import Flask


def init_views(app: Flask) -> None:
    from registry.views import auth, home

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
