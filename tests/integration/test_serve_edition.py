"""Issue 13 point 4: one code base, the edition chosen per deployment. `rasim serve --edition 2026`
serves the current system even where RASIM_EDITION says 2024 (the option wins), and the same server's
pages speak its words (利用者ID, not 認証ID); `rasim seed --edition` takes the same option."""
from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from conformance.server import SimulatorServer


@pytest.mark.parametrize(("edition", "id_label", "other"), [("2026", "利用者ID", "認証ID"), ("2024", "認証ID", "利用者ID")])
def test_serve_edition_chooses_the_system(edition: str, id_label: str, other: str) -> None:
    with SimulatorServer(edition=edition, env={"RASIM_EDITION": "2024" if edition == "2026" else "2026"}) as served:
        status = requests.get(served.url + "/api/v1/system/status", timeout=30).json()
        assert status["edition"] == edition
        login = requests.get(served.url + "/login", timeout=30).text
        assert id_label in login and other not in login


def test_edition_option_is_checked_and_documented() -> None:
    run = subprocess.run([sys.executable, "-m", "simulator.cli", "serve", "--edition", "2025"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "'2025' is not one of '2024', '2026'" in run.stderr
    for command in ("serve", "seed"):
        shown = subprocess.run([sys.executable, "-m", "simulator.cli", command, "--help"],
                               capture_output=True, text=True, timeout=60).stdout
        assert "--edition [2024|2026]" in shown
