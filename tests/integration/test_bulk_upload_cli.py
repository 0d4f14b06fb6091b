"""The README's path in four commands, against a served rasim: `rasim bulk generate --host` (its persons put
into the server's registry, the stays valid on the server's clock day), `rasim bulk validate`, `rasim bulk
upload` — whose report of the server's defects equals the offline validator's and the planted ones."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conformance.server import SimulatorServer
from tests.postgres.test_multiprocess import Http, register_lawyer

ROOT = Path(__file__).resolve().parents[2]


def rasim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulator.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)


def defects(out: str) -> list[str]:
    return sorted(re.findall(r"^line \d+, .+?: WZBAM\d{3}E", out, re.M))


def test_generate_validate_upload(tmp_path: Path) -> None:
    with SimulatorServer(env={"RASIM_PASSWORD_HASH": "scrypt:16384:8:1"}) as served:
        http = Http(served.url)
        http.call("POST", "/test-support/clock/set", {"now": "2024-04-01T09:00:00"}, expect=200)
        auth_id = register_lawyer(http, "cli@example.jp", "132010700090")
        csv = tmp_path / "staff.csv"
        choice = ["--procedure", "extension_of_stay", "--status", "professor"]
        made = rasim("bulk", "generate", "--rows", "20", *choice, "--category", "lawyer", "--defects", "0.2",
                     "--seed", "3", "--output", str(csv), "--host", served.url)
        assert made.returncode == 0, made.stderr
        assert "valid on 2024-04-01" in made.stdout and f"residence records into {served.url}" in made.stdout
        planted = sorted(re.findall(r"^  line (\d+), (.+?): (WZBAM\d{3}E)", made.stdout, re.M))
        assert len({p[0] for p in planted}) == 4
        offline = rasim("bulk", "validate", str(csv), *choice, "--category", "lawyer", "--records",
                        str(tmp_path / "staff.records.json"), "--today", "2024-04-01", "--json")
        assert offline.returncode == 1
        report = json.loads(offline.stdout)
        assert sorted((str(d["line"]), d["column"], d["code"]) for d in report["defects"]) == planted
        filed = rasim("bulk", "upload", str(csv), "--host", served.url, "--auth-id", auth_id, "--password", "AB12345!",
                      *choice, "--declare")
        assert filed.returncode == 1, filed.stdout + filed.stderr
        assert "20 applicants: 16 in 入力完了（申請未了）, 4 in エラー(一括登録)" in filed.stdout   # the catalogue's labels
        assert defects(filed.stdout) == sorted(f"line {d['line']}, {d['column']}: {d['code']}" for d in report["defects"])
        wrong = rasim("bulk", "upload", str(csv), "--host", served.url, "--auth-id", auth_id, "--password", "nope",
                      *choice, "--declare")
        assert wrong.returncode == 2 and "login refused: WZBAM" in wrong.stderr


def test_the_2026_read_result_counts_the_servers_statuses_and_prints_every_defect(capsys) -> None:  # noqa: ANN001
    """A row without a defect in the file but waiting for its photo is 要確認, as the server says."""
    import pytest

    from simulator.bulk_upload import _read_result

    photo = {"line": 2, "column": "顔写真", "code": "WZBAM179E", "message": "顔写真を添付しなければ申請できません。"}
    home = {"line": 3, "column": "身分事項_本国における居住地", "code": "WZBAM008E", "message": "全角で入力してください。"}
    bulk = {"read_result": [
        {"line": 2, "status": "needs_check", "errors": [], "file_errors": [photo]},
        {"line": 3, "status": "needs_check", "errors": [home], "file_errors": []},
        {"line": 4, "status": "ok", "errors": [], "file_errors": []}]}
    with pytest.raises(SystemExit) as ended:
        _read_result(bulk)
    out = capsys.readouterr().out
    assert ended.value.code == 1
    assert "3 applicants read: 1 正常, 2 要確認" in out
    assert "line 2, 顔写真: WZBAM179E" in out and "line 3, 身分事項_本国における居住地: WZBAM008E" in out
