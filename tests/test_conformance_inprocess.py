"""Every FAQ scenario of features/, in process, against the `app` fixture of tests/conftest.py
(SQLite, or PostgreSQL with RASIM_TEST_DATABASE=postgres): one fresh database per scenario.
The same scenarios run over HTTP with `rasim conformance run`."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from conformance.bdd import FEATURES_DIR, quiet_faq_marks
from conformance.client import RasimClient
from conformance.steps import *

with quiet_faq_marks():   # the tags @Q12-7 … become marks; the runner's plugin registers them
    scenarios(str(FEATURES_DIR))


# Scenarios that state the FAQ and fail on rasim today: known server gaps, reported to the lead.
# strict: once the server is fixed the XPASS fails here, and the entry must go.
SERVER_GAPS: dict[str, str] = {}   # scenario name -> reason, for a known server gap (strict xfail)


@pytest.fixture(autouse=True)
def _known_server_gaps(request: pytest.FixtureRequest) -> None:
    # pytest-bdd names the test after the scenario, without punctuation
    reason = next((r for name, r in SERVER_GAPS.items() if re.sub(r"\W", "", name) in request.node.name), None)
    if reason:
        request.node.add_marker(pytest.mark.xfail(strict=True, reason=reason))


@pytest.fixture
def rasim(app) -> Iterator[RasimClient]:
    client = RasimClient.in_process(app)
    yield client
    client.close()
