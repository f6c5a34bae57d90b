"""GDPR register: Art. 30 records, Art. 28 sub-processors, transfers, retention, breaches."""

from flask import Flask

from registry import config as _config


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask application; `config` overrides settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    app.config.update(_config.load(app.instance_path))
    if config:
        app.config.update(config)
    _config.check(app.config)

    from registry import auth, cli, db, i18n
    from registry.services.flag_cache import FlagCache
    from registry.views import init_views

    db.init_db(app)
    # One per application, as the engine: flags computed in one state of the register, reused until a write.
    app.extensions["registry.flag_cache"] = FlagCache()
    auth.init_auth(app)
    i18n.init_i18n(app)
    init_views(app)
    cli.init_cli(app)
    _init_jobs(app)
    _init_reference(app)
    return app


def _init_jobs(app: Flask) -> None:
    """The task queue the app sends its jobs to (the tasks register themselves on import)."""
    from registry.jobs import mail, queue, tasks  # noqa: F401

    queue.configure(app.config)
    mail.init_mail(app)


def _init_reference(app: Flask) -> None:
    """Each application context reads the law from the app's instance folder, where `reference update` installs a
    newer dated file; outside any context, the shipped files apply."""
    from pathlib import Path

    from flask import appcontext_popped, appcontext_pushed

    from registry import reference

    def pushed(sender, **_extra):
        reference.push_directory(Path(sender.instance_path) / "reference")

    def popped(sender, **_extra):
        reference.pop_directory()

    appcontext_pushed.connect(pushed, app, weak=False)
    appcontext_popped.connect(popped, app, weak=False)
