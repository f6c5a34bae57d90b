"""Blueprints of the web interface, one per area of the register, and the CSRF protection of every form."""

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def init_views(app: Flask) -> None:
    from registry.views import (
        activities,
        clients,
        home,
        measures,
        organisations,
        retention,
        subprocessors,
        transfers,
    )
    from registry.views.formatting import init_formatting

    csrf.init_app(app)
    init_formatting(app)
    app.register_blueprint(home.bp)
    for module in (organisations, activities, clients, subprocessors, transfers, retention, measures):
        app.register_blueprint(module.bp)
