"""`rasim bulk generate` (issue 11): a bulk file (申請情報一括入力ファイル) of N realistic applicants for a STEP1
choice, the residence records of its persons (so the registry cross-checks pass), and, at a rate, planted
defects with what the server must report for each. `rasim bulk validate FILE --records FILE.records.json
--today DAY` reports exactly the planted defects; the load tests (load/) upload such files."""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from simulator import catalog
from simulator.bulk_defects import Planter, PlantedDefect, Row, kinds, pick_lines
from simulator.bulk_persons import PersonMaker
from simulator.bulk_values import step_values
from simulator.domain import bulk_format

PROCEDURES = ("extension_of_stay", "change_of_status", "coe")


@dataclass
class Generated:
    layout: bulk_format.Layout
    category: str
    today: dt.date
    seed: int
    rows: list[Row]

    @property
    def step1(self) -> dict[str, str]:
        return {"procedure": self.layout.procedure, "status_of_residence": self.layout.status}

    @property
    def csv(self) -> bytes:
        return bulk_format.write_rows(self.layout, [bulk_format.row_cells(self.layout, r.values) for r in self.rows])

    @property
    def records(self) -> list[dict[str, Any]]:
        """The bodies of putResidenceRecord for every person the registry knows (not those of WZBAM115E)."""
        return [r.record for r in self.rows if r.record is not None and r.registered]

    @property
    def defects(self) -> list[PlantedDefect]:
        return [d for r in self.rows for d in r.defects]


def generate(rows: int, procedure: str, status: str, category: str = "host_org_staff", defects: float = 0.0,
             seed: int | None = None, today: dt.date | None = None, edition: str | None = None) -> Generated:
    """`rows` applicants for the STEP1 choice (procedure, status) of a filer of `category`; round(rows ×
    defects) of them with one planted defect each, to the forms of `edition` (default: RASIM_EDITION or
    2024). The same seed gives the same file."""
    from simulator.adapters.clock import real_now

    if procedure not in PROCEDURES:
        raise ValueError(f"no bulk template for {procedure!r}; one of {', '.join(PROCEDURES)}")
    if not 0.0 <= defects <= 1.0:
        raise ValueError("the defect rate lies between 0 and 1")
    seed = random.SystemRandom().randrange(2**31) if seed is None else seed
    today = today or real_now().date()
    rng = random.Random(seed)
    maker = PersonMaker(rng, today)
    edition = catalog.edition(edition).name
    lay = bulk_format.layout(category, procedure, status, edition)
    made: list[Row] = []
    for n in range(rows):
        person = maker.person(procedure, status)
        made.append(Row(n + 2, person, step_values(maker, person, category, procedure, status, edition), person.record()))
    planter, choices = Planter(maker, lay, category), kinds(procedure)
    for index in pick_lines(rng, rows, defects):
        planter.plant(made[index], rng.choice(choices))
    return Generated(lay, category, today, seed, made)


def write(generated: Generated, output: Path) -> Path:
    """FILE.csv and FILE.records.json ({"records": [...]}); the path of the records."""
    output.write_bytes(generated.csv)
    records = output.with_suffix(".records.json")
    records.write_text(json.dumps({"records": generated.records}, ensure_ascii=False, indent=1), encoding="utf-8")
    return records


def put_records(host: str, records: list[dict[str, Any]]) -> None:
    """The records into a running server's registry, 300 a request (test support: POST
    /test-support/residence-record-batches; a refused batch stores none)."""
    import requests

    with requests.Session() as http:
        for start in range(0, len(records), BATCH):
            batch = records[start:start + BATCH]
            r = http.post(host.rstrip("/") + "/test-support/residence-record-batches", json={"records": batch},
                          timeout=60)
            if r.status_code != 200:
                raise click.ClickException(f"{host} refused the records {start + 1}–{start + len(batch)}: "
                                           f"HTTP {r.status_code} {r.text[:300]}")


def _batch() -> int:
    """The most putResidenceRecords takes: a bulk file's persons (catalog/editions.py bulk_max_rows)."""
    from simulator.catalog import edition

    return edition().bulk_max_rows


BATCH = _batch()


def choice_problem(category: str, procedure: str, status: str) -> tuple[str, str] | None:
    """(option, what is wrong) when S11 would not take this STEP1 choice for a file (a file for it would be
    refused whole), None when it would."""
    from simulator import catalog
    from simulator.domain import input_plan
    from simulator.domain.errors import RuleViolation
    from simulator.services.bulk_filing import step1_for_file

    if category not in [c.key for c in catalog.categories()]:
        return "--category", f"one of {', '.join(c.key for c in catalog.categories())}"
    if procedure not in PROCEDURES:
        return "--procedure", f"one of {', '.join(PROCEDURES)}"
    if status not in {r["key"] for r in catalog.table("statuses_of_residence.csv")}:
        return "--status", "a key of catalog/statuses_of_residence.csv"
    try:   # S11's own question; a generated file has no 事前相談 tick nor 主たる活動内容 to give
        step1_for_file(category, {"procedure": procedure, "status_of_residence": status})
    except RuleViolation as refused:
        found = refused.problems[0]
        return "--status", f"{category} cannot file {procedure} / {status} this way ({found.code} on {found.field})"
    if "step2_4" in input_plan.plan(category, procedure, status).keys:
        return "--status", "the 高度専門職 statuses (主たる活動内容, points table) are not generated"
    return None


def server_day(host: str) -> dt.date:
    """The day of a running server's test clock (GET /test-support/clock)."""
    import requests

    try:
        r = requests.get(host.rstrip("/") + "/test-support/clock", timeout=30)
    except requests.RequestException as exc:
        raise click.ClickException(f"{host} cannot be reached: {exc}") from None
    if r.status_code != 200:
        raise click.ClickException(f"{host} has no test clock (HTTP {r.status_code}; RASIM_TEST_SUPPORT=1?)")
    return dt.datetime.fromisoformat(r.json()["now"]).date()


def check_choice(category: str, procedure: str, status: str) -> None:
    problem = choice_problem(category, procedure, status)
    if problem:
        raise click.BadParameter(problem[1], param_hint=problem[0])


@click.command("generate")
@click.option("--rows", required=True, type=click.IntRange(1, 10_000), help="How many applicants (the system takes 300).")
@click.option("--procedure", required=True, type=click.Choice(PROCEDURES), help="STEP1 申請種別.")
@click.option("--status", "status", required=True, metavar="KEY", help="STEP1 在留資格, e.g. professor.")
@click.option("--category", default="host_org_staff", show_default=True, help="The filer's user category.")
@click.option("--defects", "rate", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="The share of rows with one planted defect each.")
@click.option("--edition", type=click.Choice(catalog.edition_names()), default=None,
              help="Whose forms (limits, items) the rows fill [default: RASIM_EDITION or 2024].")
@click.option("--seed", type=int, default=None, help="The same seed gives the same file [default: a random one, printed].")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the stays are valid on [default: the --host's clock day, else today].")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The CSV to write; the records go beside it as FILE.records.json [default: bulk-PROCEDURE-STATUS-N.csv].")
@click.option("--host", default=None, metavar="URL",
              help="Also put the records into this running server's registry (needs RASIM_TEST_SUPPORT=1).")
def generate_command(rows: int, procedure: str, status: str, category: str, rate: float, edition: str | None,
                     seed: int | None, today: dt.datetime | None, output: Path | None, host: str | None) -> None:
    """Write a bulk CSV of ROWS realistic applicants and the residence records of its persons; print the
    planted defects (line, column, expected code) that `rasim bulk validate --records` must report."""
    check_choice(category, procedure, status)
    day = today.date() if today else (server_day(host) if host else None)
    made = generate(rows, procedure, status, category, rate, seed, day, edition)
    output = output or Path(f"bulk-{procedure}-{status}-{rows}.csv")
    records = write(made, output)
    click.echo(f"wrote {output} ({rows} applicants, {output.stat().st_size} bytes, CP932) and {records} "
               f"({len(made.records)} residence records); seed {made.seed}, valid on {made.today}")
    if host:
        put_records(host, made.records)
        click.echo(f"put {len(made.records)} residence records into {host}")
    lines = {d.line for d in made.defects}
    click.echo(f"planted {len(made.defects)} defects on {len(lines)} rows"
               + (":" if made.defects else " (every row sound)"))
    for d in made.defects:
        click.echo(f"  line {d.line}, {d.column}: {d.code} ({d.kind})")
    click.echo(f"check: rasim bulk validate {output} --procedure {procedure} --status {status} --category {category} "
               f"--edition {made.layout.edition} --records {records} --today {made.today}")
