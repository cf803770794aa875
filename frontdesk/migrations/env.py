"""Alembic environment: the app passes its connection in ``config.attributes``."""

from alembic import context
from sqlmodel import SQLModel

from frontdesk import models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = config.attributes.get("engine")
        if engine is None:
            from frontdesk.core.db import make_engine, resolve_url

            engine = make_engine(resolve_url(config.get_main_option("sqlalchemy.url") or None))
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover
    raise SystemExit("frontdesk migrations run online only")
run_migrations_online()
