"""Entry point: `flask --app app run` or any WSGI server pointing at `app:app`."""

from registry import create_app

app = create_app()
