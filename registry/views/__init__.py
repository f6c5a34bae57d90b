"""Blueprints of the web interface, one per area of the register (CSRF protection comes with `registry.auth`)."""

from flask import Flask
from werkzeug.routing import IntegerConverter

from registry.models.checks import INT_MAX


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in every route: an id beyond the integer columns' range matches no route, so it is a 404
    rather than a query the database refuses."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_views(app: Flask) -> None:
    app.url_map.converters["int"] = RecordIdConverter
    from registry.views import (
        activities,
        auth,
        breaches,
        clients,
        home,
        measures,
        organisations,
        retention,
        subprocessors,
        transfers,
    )
    from registry.views.errors import init_errors
    from registry.views.formatting import init_formatting
    from registry.views.lists import refresh_flags_after_write

    init_formatting(app)
    init_errors(app)
    app.after_request(refresh_flags_after_write)

    @app.context_processor
    def _role():
        # What the user may do in the organisation of the page: templates hide what would be refused.
        from flask import g

        from registry.auth import WRITE_ROLES

        role = g.get("role")
        return {"can_write": role in WRITE_ROLES, "is_admin": role == "admin"}

    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    for module in (organisations, activities, clients, subprocessors, transfers, retention, measures, breaches):
        app.register_blueprint(module.bp)

    from registry.views import api, changes, documents, public

    app.register_blueprint(documents.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(public.bp)

    from registry.views import members

    app.register_blueprint(members.bp)
