"""`rasim bulk upload` (issue 11): a bulk file filed with a running server over its API, as a vendor's
product would — log in, STEP1 + the file, STEP3's two declarations, then wait for the worker (2024) or take
the 一括申請読込結果 (2026) — and every defect the server reports printed as `rasim bulk validate` prints
it. Exit code 1 when any row was not accepted, 2 when the server refused the file or the login."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

POLL_SECONDS = 0.5


class Refused(click.ClickException):
    exit_code = 2


def _answer(r: Any, what: str, *ok: int) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        body = {}
    if r.status_code not in ok:
        errors = body.get("errors") or [{"code": f"HTTP {r.status_code}", "message": r.text[:300]}]
        lines = "; ".join(f"{e.get('code')} {e.get('message', '')}".strip() for e in errors)
        raise Refused(f"{what}: {lines}")
    return body


def _print_defects(entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        for d in entry.get("errors", []):
            click.echo(f"line {d['line']}, {d['column'] or '(row)'}: {d['code']} {d['message']}")


@click.command("upload")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="http://127.0.0.1:8080", show_default=True, metavar="URL", help="The server.")
@click.option("--auth-id", required=True, help="The filer's 認証ID / 利用者ID (e.g. demohost01 of `make run`).")
@click.option("--password", prompt=True, hide_input=True, help="Its password [default: asked].")
@click.option("--procedure", required=True, type=click.Choice(["extension_of_stay", "change_of_status", "coe"]),
              help="STEP1 申請種別.")
@click.option("--status", "status", required=True, metavar="KEY", help="STEP1 在留資格, e.g. professor.")
@click.option("--hsp-activity", default=None, metavar="KEY", help="主たる活動内容, for the 高度専門職 statuses.")
@click.option("--declare", is_flag=True, required=True,
              help="Tick STEP3's two declarations (申請意思の確認 and the kept copy, WZBAM110E / 122E): required.")
@click.option("--timeout", default=600, show_default=True, type=click.IntRange(1), help="Seconds to wait for the worker.")
def upload_command(file: Path, host: str, auth_id: str, password: str, procedure: str, status: str,
                   hsp_activity: str | None, declare: bool, timeout: int) -> None:
    """File FILE with a running server: upload, STEP3, wait; print what the server accepted and each defect."""
    import requests

    if not declare:
        raise click.UsageError("--declare is required: STEP3 cannot be completed without the two declarations")
    base = host.rstrip("/") + "/api/v1"
    with requests.Session() as http:
        try:
            token = _answer(http.post(f"{base}/session", json={"auth_id": auth_id, "password": password}, timeout=60),
                            "login refused", 201)["token"]
            http.headers["Authorization"] = f"Bearer {token}"
            params = {"procedure": procedure, "status_of_residence": status, "filename": file.name,
                      **({"hsp_activity": hsp_activity} if hsp_activity else {})}
            with file.open("rb") as body:   # streamed: the server caps the size (WZBAM144E)
                bulk = _answer(http.post(f"{base}/bulk-inputs", params=params, data=body, timeout=120,
                                         headers={"Content-Type": "text/csv"}), "the file was refused", 201)
            click.echo(f"uploaded {file.name}: bulk input {bulk['id']}, {bulk['rows']} applicants", err=True)
            if bulk["state"] == "read":   # 2026: the 一括申請読込結果 at once
                return _read_result(bulk)
            _answer(http.post(f"{base}/bulk-inputs/{bulk['id']}/completion", timeout=60,
                              json={"bulk_confirmed": True, "kept_copy": True}), "STEP3 was refused", 202)
            deadline, shown = time.monotonic() + timeout, 0.0
            while bulk["state"] != "processed":
                if time.monotonic() > deadline:
                    raise click.ClickException(f"bulk input {bulk['id']} is still {bulk['state']} after {timeout} s")
                if time.monotonic() - shown > 5:
                    click.echo("waiting for the worker …", err=True)
                    shown = time.monotonic()
                time.sleep(POLL_SECONDS)
                bulk = _answer(http.get(f"{base}/bulk-inputs/{bulk['id']}", timeout=60), "the state", 200)
            if bulk["error_application_id"]:
                _print_defects(_answer(http.get(f"{base}/applications/{bulk['error_application_id']}/bulk-errors",
                                                timeout=60), "the errors", 200)["entries"])
        except requests.RequestException as exc:
            raise click.ClickException(f"{host} cannot be reached: {exc}") from None
    from simulator import catalog
    from simulator.domain.applications import state_labels

    label = {k: v[0] for k, v in state_labels(catalog.edition().applications_edition).items()}
    click.echo(f"{bulk['rows']} applicants: {bulk['accepted']} in {label['input_complete']}, {bulk['defective']} in "
               f"{label['bulk_error']}" + (f" (application {bulk['error_application_id']})" if bulk["defective"] else ""))
    sys.exit(1 if bulk["defective"] else 0)


def _read_result(bulk: dict[str, Any]) -> None:
    """Edition 2026: each row's defects (of its values, and of its files: a photo it must have), then the counts
    by the server's own 正常 / 要確認 (a row with no defect in the file may still wait for its photo)."""
    from simulator import catalog
    from simulator.services.bulk_reading import ROW_NEEDS_CHECK

    rows = bulk.get("read_result", [])
    _print_defects([{"errors": r.get("errors", []) + r.get("file_errors", [])} for r in rows])
    bad = sum(1 for r in rows if r.get("status") == ROW_NEEDS_CHECK)
    words = catalog.labels()["ja"]
    click.echo(f"{len(rows)} applicants read: {len(rows) - bad} {words['bulk.row_ok']}, {bad} {words['bulk.row_needs_check']}")
    sys.exit(1 if bad else 0)
