"""The current system's scenarios (features/2026/, seed 003, tagged by section: @003-5.3.1), in process,
against the `app` fixture of tests/conftest.py switched to edition 2026: one fresh database per scenario.
The same scenarios run over HTTP against a 2026 simulator with `rasim conformance run --edition 2026`."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_bdd import scenarios

from conformance.bdd import feature_files, quiet_faq_marks
from conformance.client import RasimClient
from conformance.steps import *
from tests.support.api import use_edition

with quiet_faq_marks():
    scenarios(*feature_files("2026"))


@pytest.fixture
def rasim(app, monkeypatch) -> Iterator[RasimClient]:  # noqa: ANN001
    use_edition(app, "2026")
    monkeypatch.setenv("RASIM_CONFORMANCE_EDITION", "2026")   # the suite's words (003 §7.1), as the CLI sets it
    client = RasimClient.in_process(app)
    yield client
    client.close()
