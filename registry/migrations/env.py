"""Alembic environment: runs the revisions on the connection handed over by registry.migrations."""

from alembic import context
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import registry.models  # noqa: F401  (registers every table on the metadata)


def render_item(kind: str, obj, autogen_context):
    """Write our column types (and SQLModel's AutoString) as the plain SQLAlchemy type they store, so that a
    revision keeps working when the model code that defined the type changes or moves."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl_instance!r}"
    return False


connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    # SQLite cannot ALTER most things: batch mode rebuilds the table (copy, drop, rename) instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    compare_server_default=True,
    render_item=render_item,
    # The caller holds one transaction around the whole upgrade (and its lock), on SQLite too.
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
