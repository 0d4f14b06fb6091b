"""The PostgreSQL pass only: these tests need RASIM_TEST_DATABASE=postgres (the second pass of
`make test`). The SQLite pass leaves this folder out with --ignore=tests/postgres; run here without
PostgreSQL, every test errors with that explanation instead of passing or skipping quietly."""
from __future__ import annotations

import os
import uuid
from typing import Iterator

import pytest

from conformance.server import SimulatorServer


@pytest.fixture(scope="session")
def postgres_server(database_server: str | None) -> str:
    if os.environ.get("RASIM_TEST_DATABASE") != "postgres" or database_server is None:
        pytest.fail("tests/postgres runs only in the PostgreSQL pass: RASIM_TEST_DATABASE=postgres pytest "
                    "tests/postgres (the SQLite pass uses --ignore=tests/postgres)", pytrace=False)
    return database_server


@pytest.fixture(scope="module")
def served(postgres_server: str) -> Iterator[SimulatorServer]:
    """`rasim serve --workers 2` on a fresh PostgreSQL database; the access log names the worker pid."""
    from tests.support.postgres import create_database

    url = create_database(postgres_server, f"mp_{uuid.uuid4().hex[:12]}")
    server = SimulatorServer(database_url=url, workers=2, startup_timeout=90,
                             env={"GUNICORN_CMD_ARGS": "--access-logformat 'pid=%(p)s %(r)s %(s)s'",
                                  "RASIM_PASSWORD_HASH": os.environ.get("RASIM_PASSWORD_HASH", "scrypt:16384:8:1")})
    with server:
        yield server
