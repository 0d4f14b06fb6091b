"""Shared fixtures: a migrated database (SQLite file by default; PostgreSQL when
RASIM_TEST_DATABASE=postgres, started by tests/support/postgres.py) and a Flask app on it."""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from simulator.adapters.migrate import upgrade
from simulator.web.app import create_app

os.environ.setdefault("RASIM_PASSWORD_HASH", "scrypt:16384:8:1")


@pytest.fixture(scope="session")
def database_server() -> Iterator[str | None]:
    """None for SQLite; the base URL of a real PostgreSQL server otherwise."""
    if os.environ.get("RASIM_TEST_DATABASE") != "postgres":
        yield None
        return
    from tests.support.postgres import PostgresServer

    with PostgresServer() as server:
        yield server.url


@pytest.fixture
def db_url(tmp_path: Path, database_server: str | None) -> str:
    if database_server is None:
        url = f"sqlite:///{tmp_path}/rasim.sqlite3"
    else:
        from tests.support.postgres import create_database

        url = create_database(database_server, f"t_{uuid.uuid4().hex[:12]}")
    upgrade(url)
    return url


@pytest.fixture
def app(db_url: str, tmp_path: Path):  # noqa: ANN201
    """The test app, with its own var folder and its own folder of virtual cards."""
    application = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"),
                              "RASIM_CARDS_DIR": str(tmp_path / "cards"), "SECRET_KEY": "test", "TESTING": True})
    yield application
    application.extensions["rasim.engine"].dispose()


@pytest.fixture
def client(app):  # noqa: ANN001, ANN201
    return app.test_client()
