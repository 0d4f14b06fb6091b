"""Alembic environment: the URL comes from the caller (simulator.adapters.migrate)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from simulator.adapters.db import Base
import simulator.adapters.db_applications  # noqa: F401,E402 - the application tables
import simulator.adapters.db_decisions  # noqa: F401,E402 - what follows submission
import simulator.adapters.db_procedures  # noqa: F401,E402 - favourite procedures
import simulator.adapters.db_procedure_requests  # noqa: F401,E402 - 利用申出 / 定期報告 online

config = context.config
target_metadata = Base.metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(connection=connectable, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
