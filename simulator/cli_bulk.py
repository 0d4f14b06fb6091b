"""`rasim bulk …`: the bulk file without the system — validate a file offline with the server's own
checks (and, in their modules, write the template, export its CSV, generate test files)."""
from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

PROCEDURES = click.Choice(["extension_of_stay", "change_of_status", "coe"])


@click.group()
def bulk() -> None:
    """The bulk file (申請情報一括入力ファイル, 004 §2.5): validate, and the commands below."""


@bulk.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--procedure", required=True, type=PROCEDURES, help="STEP1 申請種別 (as chosen on S11).")
@click.option("--status", "status", required=True, metavar="KEY",
              help="STEP1 在留資格, a key of catalog/statuses_of_residence.csv (e.g. professor).")
@click.option("--hsp-activity", default=None, metavar="KEY", help="主たる活動内容, for the 高度専門職 statuses.")
@click.option("--edition", default=None, help="2024 or 2026 [default: RASIM_EDITION or 2024].")
@click.option("--category", default="host_org_staff", show_default=True,
              help="The filer's user category (which input steps apply; FAQ Q5-11).")
@click.option("--records", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Residence records (JSON, as `rasim bulk generate` writes) to check the persons against; "
                   "without it the checks against the registry (WZBAM112E–115E, 235E, 236E, 118E) are not run.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the checks assume (the test clock's) [default: today].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(file: Path, procedure: str, status: str, hsp_activity: str | None, edition: str | None, category: str,
             records: Path | None, today: dt.datetime | None, as_json: bool) -> None:
    """Check FILE exactly as the server would, without a server: every defect with its line, column header,
    code and message. Exit code 0 when the file would be registered whole, 1 when any row or the file fails."""
    import os

    from simulator import catalog
    from simulator.services.bulk_offline import load_records, validate_file

    edition = edition or os.environ.get("RASIM_EDITION") or "2024"
    if edition not in catalog.edition_names():
        raise click.BadParameter(f"one of {', '.join(catalog.edition_names())}", param_hint="--edition")
    if category not in [c.key for c in catalog.categories()]:
        raise click.BadParameter(f"one of {', '.join(c.key for c in catalog.categories())}", param_hint="--category")
    try:
        loaded = load_records(records) if records else None
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    size = file.stat().st_size
    limit = catalog.edition(edition).bulk_max_bytes
    data = file.read_bytes() if size <= limit else file.open("rb").read(limit + 1)   # never more than the cap
    step1 = {"procedure": procedure, "status_of_residence": status} | ({"hsp_activity": hsp_activity} if hsp_activity else {})
    if not as_json:
        click.echo(f"checking {file.name} ({size} bytes) as {procedure} / {status}, edition {edition}", err=True)
    report = validate_file(data, file.name, step1, edition, category, loaded, today.date() if today else None)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report)
    sys.exit(0 if report["ok"] else 1)


def _print(report: dict) -> None:
    error = report["file_error"]
    if error:
        click.echo(f"file refused: {error['code']} {error['message']}" + (f" ({error['reason']})" if error["reason"] else ""))
        return
    for d in report["defects"]:
        click.echo(f"line {d['line']}, {d['column'] or '(row)'}: {d['code']} {d['message']}")
    lines = {d["line"] for d in report["defects"]}
    click.echo(f"{report['rows']} applicants: {report['rows'] - len(lines)} sound, {len(lines)} with defects "
               f"({len(report['defects'])} defects)")
    if not report["registry"]:
        click.echo("not checked: the persons against the residence-record registry (give --records)")


# the commands of other modules (each adds itself here, one line)
from simulator.bulk_generate import generate_command  # noqa: E402
bulk.add_command(generate_command, "generate")
from simulator.bulk_template import export_command, template_command  # noqa: E402
bulk.add_command(template_command, "template")
bulk.add_command(export_command, "export")
from simulator.bulk_upload import upload_command  # noqa: E402
bulk.add_command(upload_command, "upload")
