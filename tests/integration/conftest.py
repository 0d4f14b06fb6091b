from __future__ import annotations

import pytest

from tests.support.api import Api


@pytest.fixture
def api(client) -> Api:  # noqa: ANN001
    a = Api(client)
    a.set_clock("2024-04-01T09:00:00")
    return a
