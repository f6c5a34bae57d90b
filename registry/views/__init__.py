"""Blueprints of the web interface, one per area of the register (CSRF protection comes with `registry.auth`)."""

from flask import Flask, abort

from registry.models.checks import INT_MAX


def _ids_in_range(_endpoint, values) -> None:
    """An id in an address beyond the integer columns' range names no record: 404 for every method (a bounded URL
    converter would make Werkzeug answer 405 to a PUT or DELETE on such an address), before any query is made."""
    if any(isinstance(v, int) and not 0 <= v <= INT_MAX for v in (values or {}).values()):
        abort(404)


def init_views(app: Flask) -> None:
    app.url_value_preprocessor(_ids_in_range)
    from registry.views import (
        activities,
        auth,
        breaches,
        clients,
        home,
        measures,
        organisations,
        requests,
        retention,
        subprocessors,
        transfers,
    )
    from registry.views.errors import init_errors
    from registry.views.formatting import init_formatting
    from registry.views.links import init_links
    from registry.views.lists import refresh_flags_after_write

    init_formatting(app)
    init_links(app)
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
    for module in (organisations, activities, clients, subprocessors, transfers, retention, measures, breaches, requests):
        app.register_blueprint(module.bp)

    from registry.views import api, changes, documents, mail, notice_links, public, sheets

    app.register_blueprint(documents.bp)
    app.register_blueprint(sheets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(public.bp)
    app.register_blueprint(notice_links.bp)
    app.register_blueprint(mail.bp)

    from registry.views import members

    app.register_blueprint(members.bp)

    from registry.views import law

    app.register_blueprint(law.bp)
    app.register_blueprint(law.reference_bp)
