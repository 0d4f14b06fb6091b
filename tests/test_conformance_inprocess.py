"""Every FAQ scenario of features/, in process, against the `app` fixture of tests/conftest.py
(SQLite, or PostgreSQL with RASIM_TEST_DATABASE=postgres): one fresh database per scenario.
The same scenarios run over HTTP with `rasim conformance run`."""
from __future__ import annotations

import pytest
from pytest_bdd import scenarios

from conformance.client import RasimClient
from conformance.faq_scenarios import FEATURES_DIR, quiet_faq_marks
from conformance.steps import *  # noqa: F401,F403

with quiet_faq_marks():   # the tags @Q12-7 … become marks; the runner's plugin registers them
    scenarios(str(FEATURES_DIR))


@pytest.fixture
def rasim(app) -> RasimClient:  # noqa: ANN001 - overrides the plugin's session client
    client = RasimClient.in_process(app)
    yield client
    client.close()
