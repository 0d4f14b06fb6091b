"""`rasim conformance …`: run the FAQ scenarios against a deployment and report FAQ by FAQ;
list the FAQ items that no scenario covers yet."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from conformance import faq

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def conformance() -> None:
    """The FAQ conformance suite (features/, Japanese Gherkin, one scenario per FAQ behaviour)."""


@conformance.command("run")
@click.option("--target", metavar="URL", default=None,
              help="Base URL of the system under test, e.g. http://127.0.0.1:8080. "
                   "Default: start a fresh simulator on a free port and stop it afterwards.")
@click.option("--report", "report_dir", metavar="DIR", default="artifacts/conformance", show_default=True,
              type=click.Path(file_okay=False), help="Folder for report.json, junit.xml, report.html, report.md.")
@click.option("--tags", metavar="EXPR", default=None,
              help='FAQ selection: "Q12-7,Q2-14" (any of), "Q12" (a section), "not Q2-14" or "~Q2-14" (exclude).')
@click.option("--in-process", is_flag=True, help="Run against a simulator app in this process (fast, no sockets).")
@click.option("--database-url", metavar="URL", default=None,
              help="Database of the simulator this command starts (default: a fresh SQLite file).")
@click.option("--workers", default=1, show_default=True, type=int,
              help="Workers of the simulator this command starts (more than 1 needs PostgreSQL).")
@click.option("--cards-dir", metavar="DIR", default=None, type=click.Path(file_okay=False),
              help="With --target: the cards folder whose test JPKI CA the target trusts (its RASIM_CARDS_DIR). "
                   "The My Number Card scenarios issue their virtual cards there; without it a run that "
                   "selects them is refused.")
@click.option("--without-card-scenarios", is_flag=True,
              help="Leave out the My Number Card scenarios (@jpki) on purpose, e.g. against a target whose "
                   "cards folder you cannot reach.")
@click.option("-x", "--exitfirst", is_flag=True, help="Stop at the first failing scenario.")
@click.option("--pytest-arg", "pytest_args", multiple=True, metavar="ARG", help="Extra argument for pytest.")
def run(target: str | None, report_dir: str, tags: str | None, in_process: bool, database_url: str | None,
        workers: int, cards_dir: str | None, without_card_scenarios: bool, exitfirst: bool,
        pytest_args: tuple[str, ...]) -> None:
    """Run the scenarios and write the reports. Exit code 0 only when every scenario passed."""
    import pytest

    if target and in_process:
        raise click.UsageError("--target and --in-process exclude each other")
    if target and (database_url or workers != 1):
        raise click.UsageError("--database-url and --workers apply only to a simulator this command starts")
    if cards_dir and not target:
        raise click.UsageError("--cards-dir applies only with --target (a simulator this command starts "
                               "gets its own cards folder)")
    report = Path(report_dir).resolve()
    report.mkdir(parents=True, exist_ok=True)
    args = [str(HERE / "faq_scenarios.py"), "--rootdir", str(ROOT), "-p", "conformance.pytest_plugin",
            "-p", "no:cacheprovider", "-q", "--no-header", "--tb=short", "-W", "ignore::DeprecationWarning",
            "--rasim-progress", "--rasim-report", str(report), f"--junitxml={report / 'junit.xml'}",
            "-o", "junit_suite_name=rasim-conformance", "-o", "junit_family=xunit2"]
    if target:
        args += ["--rasim-target", target]
    elif in_process:
        args.append("--rasim-in-process")
    if cards_dir:
        args += ["--rasim-cards-dir", str(Path(cards_dir).resolve())]
    if without_card_scenarios:
        args.append("--rasim-without-cards")
    if database_url:
        args += ["--rasim-database-url", database_url]
    if workers != 1:
        args += ["--rasim-workers", str(workers)]
    if tags:
        args += ["--rasim-tags", tags]
    if exitfirst:
        args.append("-x")
    args += list(pytest_args)
    where = target or ("in-process" if in_process else "a simulator started for this run")
    click.echo(f"rasim conformance: running the FAQ scenarios against {where}" + (f" (tags {tags})" if tags else ""))
    started = time.monotonic()
    code = pytest.main(args)
    click.echo(f"rasim conformance: finished in {time.monotonic() - started:.1f} s, exit code {int(code)}; "
               f"reports in {report}")
    sys.exit(int(code))


@conformance.command("coverage")
@click.option("--all", "show_all", is_flag=True, help="Print every FAQ item with its status.")
@click.option("--features", "features_dir", default=str(faq.FEATURES), show_default=True,
              type=click.Path(file_okay=False, exists=True), help="Folder of the feature files.")
def coverage(show_all: bool, features_dir: str) -> None:
    """List the FAQ items that have neither a scenario tag nor a coverage.csv entry."""
    rows = faq.status_table(Path(features_dir))
    if show_all:
        click.echo(f"{'FAQ':<7} {'status':<12} {'n':>3}  {'kind':<34} reason / question")
        for r in rows:
            text = r["reason"] or r["gloss"]
            click.echo(f"{r['faq']:<7} {r['status']:<12} {r['scenarios']:>3}  {r['kind'][:34]:<34} {text}")
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        click.echo("total: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return
    missing = [r for r in rows if r["status"] == "missing"]
    for r in missing:
        click.echo(f"{r['faq']:<7} {r['kind'][:34]:<34} {r['gloss']}")
    click.echo(f"{len(missing)} of {len(rows)} FAQ items have no scenario and no coverage entry", err=True)
