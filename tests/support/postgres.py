"""The throw-away PostgreSQL server of the tests: simulator/adapters/postgres_server.py (where `rasim load
run` finds it too), re-exported under its old name."""
from __future__ import annotations

from simulator.adapters.postgres_server import (  # noqa: F401 - re-exported
    PostgresServer,
    PostgresServerError,
    create_database,
    find_bin_dir,
    free_port,
)
