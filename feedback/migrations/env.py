"""Alembic's environment: always handed a connection by `feedback.migrations.migrate`."""

from alembic import context

from feedback.schema import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()
