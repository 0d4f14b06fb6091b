"""`rasim conformance …`: run the FAQ scenarios against a deployment and report FAQ by FAQ;
list the FAQ items that no scenario covers yet."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import click

from conformance import faq
from conformance.bdd import EDITIONS, SOURCES
from conformance.lint import RULES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_LINT_RULES = "\n".join(textwrap.fill(f"{name}: {text}", width=100, initial_indent="  ", subsequent_indent="      ")
                        for name, text in RULES.items())


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
@click.option("--edition", type=click.Choice(EDITIONS), default="2024", show_default=True,
              help="Which suite: 2024 (the FAQ's, features/) or 2026 (the current system's, features/2026/, seed "
                   "003). A simulator this command starts (or runs in process) serves that edition.")
@click.option("-x", "--exitfirst", is_flag=True, help="Stop at the first failing scenario.")
@click.option("--pytest-arg", "pytest_args", multiple=True, metavar="ARG", help="Extra argument for pytest.")
def run(target: str | None, report_dir: str, tags: str | None, in_process: bool, database_url: str | None,
        workers: int, cards_dir: str | None, without_card_scenarios: bool, edition: str, exitfirst: bool,
        pytest_args: tuple[str, ...]) -> None:
    """Run the scenarios and write the reports. Exit code 0 only when every scenario passed."""
    import pytest

    os.environ["RASIM_CONFORMANCE_EDITION"] = edition   # read when faq_scenarios.py binds the feature files
    if not target:
        os.environ["RASIM_EDITION"] = edition            # the simulator this run starts, or runs in process

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
    click.echo(f"rasim conformance: running the edition {edition} scenarios ({SOURCES[edition]}) against {where}"
               + (f" (tags {tags})" if tags else ""))
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
    from conformance.lint import coverage_disagreements
    disagreements = coverage_disagreements(Path(features_dir))
    if show_all:
        click.echo(f"{'FAQ':<7} {'status':<12} {'n':>3}  {'kind':<34} reason / question")
        for r in rows:
            text = r["reason"] or r["gloss"]
            click.echo(f"{r['faq']:<7} {r['status']:<12} {r['scenarios']:>3}  {r['kind'][:34]:<34} {text}")
        counts: dict[str, int] = {}
        for r in rows:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        click.echo("total: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        _fail_on_disagreement(disagreements)
        return
    missing = [r for r in rows if r["status"] == "missing"]
    for r in missing:
        click.echo(f"{r['faq']:<7} {r['kind'][:34]:<34} {r['gloss']}")
    click.echo(f"{len(missing)} of {len(rows)} FAQ items have no scenario and no coverage entry", err=True)
    _fail_on_disagreement(disagreements)


def _fail_on_disagreement(disagreements: list) -> None:
    """coverage.csv and the scenario tags disagree: name the items and exit non-zero."""
    if not disagreements:
        return
    for d in disagreements:
        click.echo(str(d), err=True)
    named = sorted({tag for d in disagreements for tag in re.findall(r"Q\d+-\d+", d.what)}, key=faq.faq_key)
    click.echo(f"coverage.csv disagrees with the feature files on {', '.join(named) or 'its entries'}: "
               f"{len(disagreements)} disagreement(s)", err=True)
    sys.exit(1)


@conformance.command("lint", epilog="\b\nRules (each finding ends with its rule):\n" + _LINT_RULES)
@click.option("--features", "features_dir", default=None, type=click.Path(file_okay=False, exists=True),
              help="Folder of the feature files [default: the edition's: features/, or features/2026/].")
@click.option("--edition", type=click.Choice(EDITIONS), default="2024", show_default=True,
              help="Which suite: 2024 (the FAQ's, with conformance/coverage.csv) or 2026 (seed 003's, with "
                   "conformance/coverage-2026.csv).")
@click.option("--no-coverage", is_flag=True, help="Do not check the suite's coverage file against the tags.")
def lint_command(features_dir: str | None, edition: str, no_coverage: bool) -> None:
    """Check the feature files: FAQ or section tags, known tags, refusal steps with a code, and the coverage file.

    Prints one line per finding, `features/<file>.feature:LINE: <what> (<rule>)`, then a summary.
    Exit code 1 when anything is found, 0 otherwise.
    """
    from conformance.lint import lint, lint_2026

    if edition == "2026":
        result = lint_2026(Path(features_dir or faq.FEATURES / "2026"), check_coverage=not no_coverage)
    else:
        result = lint(Path(features_dir or faq.FEATURES), coverage_path=None if no_coverage else faq.COVERAGE)
    for finding in result.findings:
        click.echo(str(finding))
    click.echo(result.summary())
    sys.exit(1 if result.findings else 0)


@conformance.command("mutate")
@click.option("--jobs", default=None, type=int, help="Mutants run at once (default: the number of CPUs).")
@click.option("--rule", default=None, metavar="NAME", help="Only this setting, e.g. lock_hours.")
@click.option("--tag", default=None, metavar="FAQ", help="Only the settings whose source cites this FAQ, e.g. Q12-7.")
@click.option("--sample", default=None, type=int, metavar="N", help="N mutants picked with a fixed seed (a quick run).")
@click.option("--untagged", type=click.Choice(["skip", "suite"]), default="skip", show_default=True,
              help="Settings no FAQ scenario cites (004, rasim): list them, or run the whole suite against them.")
@click.option("--report", "report_path", default=None, metavar="PATH", type=click.Path(dir_okay=False),
              help="Write the Markdown report to PATH.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON instead of the summary.")
@click.option("--fail-under", default=None, type=float, metavar="SCORE",
              help="Exit code 1 when the score (killed / mutants, 0–1) is below SCORE.")
@click.option("--python", "python_globs", multiple=True, metavar="GLOB",
              help="Also mutate the Python code of simulator/domain with mutmut against the unit tests: "
                   "`all`, or mutant-name globs such as 'simulator.domain.registration.*' (repeatable).")
def mutate(jobs: int | None, rule: str | None, tag: str | None, sample: int | None, untagged: str,
           report_path: str | None, as_json: bool, fail_under: float | None, python_globs: tuple[str, ...]) -> None:
    """Mutate each rule of the catalogue (±1) and run the FAQ scenarios that cite it: killed or survived.
    With --python, mutmut also mutates the code of the pure rules (simulator/domain) and the report
    gets a section of its own. The exit code is 0 whatever the score, unless --fail-under is given."""
    import json
    import os

    from conformance import mutate as mut

    mutants = mut.select(mut.rules(), rule=rule, tag=tag, sample=sample)
    if not mutants:
        raise click.UsageError("no rule matches --rule/--tag")
    out = (lambda s: click.echo(s, err=True)) if as_json else click.echo
    rc, tail = mut.baseline(mutants)
    if rc != 0:
        raise click.ClickException(f"the unmutated scenarios do not pass (exit code {rc}): {tail}")
    jobs = jobs or os.cpu_count() or 1
    out(f"rasim conformance mutate: {len(mutants)} mutants, {jobs} jobs")
    started = time.monotonic()
    results = mut.mutate(mutants, jobs, untagged, progress=lambda o: out(mut.progress_line(o)))
    killed, total = mut.score(results)
    command = "rasim conformance mutate" + "".join(
        f" --{k} {v}" for k, v in (("rule", rule), ("tag", tag), ("sample", sample)) if v is not None)
    if untagged != "skip":
        command += f" --untagged {untagged}"
    code_section = ""
    if python_globs:
        from conformance import mutate_code

        selection = () if python_globs == ("all",) else python_globs
        out(f"mutmut: mutating {', '.join(selection) or 'simulator/domain'} against tests/unit …")
        try:
            code = mutate_code.run_mutmut(selection, jobs=jobs)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            raise click.ClickException(str(exc)) from None
        code_killed, code_judged = code.score
        out(f"mutmut: {code_killed} / {code_judged} killed ({code.seconds:.0f} s); "
            + ", ".join(f"{k} {v}" for k, v in sorted(code.counts.items())))
        code_section = "\n" + mutate_code.markdown(code)
        command += "".join(f" --python '{g}'" for g in python_globs)
    if report_path:
        Path(report_path).parent.mkdir(parents=True, exist_ok=True)
        Path(report_path).write_text(mut.markdown(results, command) + code_section, encoding="utf-8")
    if as_json:
        click.echo(json.dumps(mut.as_json(results), ensure_ascii=False, indent=2))
    survivors = [o for o in results if o.outcome == "survived"]
    out(f"score: {killed} / {total} killed" + (f" ({killed / total:.0%})" if total else "")
        + f" in {time.monotonic() - started:.0f} s" + (f"; report in {report_path}" if report_path else ""))
    for o in survivors:
        out(f"survived: {o.mutant.rule.name} {o.mutant.label}")
    if fail_under is not None and total and killed / total < fail_under:
        sys.exit(1)
