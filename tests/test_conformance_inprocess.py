"""Every FAQ scenario of features/, in process, against the `app` fixture of tests/conftest.py
(SQLite, or PostgreSQL with RASIM_TEST_DATABASE=postgres): one fresh database per scenario.
The same scenarios run over HTTP with `rasim conformance run`."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from conformance.bdd import feature_files, quiet_faq_marks
from conformance.client import RasimClient
from conformance.steps import *

with quiet_faq_marks():   # the tags @Q12-7 … become marks; the runner's plugin registers them
    scenarios(*feature_files("2024"))


@pytest.fixture
def rasim(app) -> Iterator[RasimClient]:
    client = RasimClient.in_process(app)
    yield client
    client.close()
