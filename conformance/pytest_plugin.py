"""pytest plugin of the conformance run: options, the `rasim` client fixture, FAQ-tag selection,
one progress line per scenario, and the collection of results for the reports (hooks, not text).

Options:
  --rasim-target URL        run against a deployment (HTTP)
  --rasim-in-process        run against a simulator app in this process (fast; for development)
  --rasim-database-url URL  database of the simulator this plugin starts (in-process or subprocess)
  --rasim-workers N         workers of the subprocess simulator
  --rasim-report DIR        write report.json, report.html and report.md to DIR
  --rasim-tags EXPR         FAQ selection, e.g. "Q12-7,Q2-14", "Q12", "Q2,not Q2-14"
  --rasim-cards-dir DIR     cards folder whose test JPKI CA the --rasim-target trusts (card scenarios)
Without --rasim-target / --rasim-in-process a simulator subprocess is started for the session.
"""
from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.card import UNKNOWN_CARDS_DIR
from conformance.client import RasimClient
from conformance.faq import faq_key, is_source_tag
from conformance.report import ScenarioResult, write_reports

CARD_TAG = "jpki"   # features tag the My Number Card scenarios with @jpki


def pytest_addoption(parser: pytest.Parser) -> None:
    g = parser.getgroup("rasim conformance")
    g.addoption("--rasim-target", default=None, help="base URL of the system under test")
    g.addoption("--rasim-in-process", action="store_true", default=False,
                help="run against a simulator app in this process")
    g.addoption("--rasim-database-url", default=None, help="database for the simulator this run starts")
    g.addoption("--rasim-workers", type=int, default=1, help="workers of the simulator this run starts")
    g.addoption("--rasim-report", default=None, help="folder for report.json / report.html / report.md")
    g.addoption("--rasim-tags", default=None, help='FAQ selection, e.g. "Q12-7,Q2-14", "Q12", "not Q2-14"')
    g.addoption("--rasim-without-cards", action="store_true", default=False,
                help="leave out the My Number Card scenarios (@jpki) on purpose")
    g.addoption("--rasim-cards-dir", default=None,
                help="cards folder whose test JPKI CA the target trusts (RASIM_CARDS_DIR of the target); "
                     "without it, the My Number Card scenarios are skipped against a --rasim-target")
    g.addoption("--rasim-progress", action="store_true", default=False,
                help="one line per scenario instead of pytest's dots")


def pytest_configure(config: pytest.Config) -> None:
    register_faq_markers(config)
    collector = ResultCollector(config)
    config.pluginmanager.register(collector, "rasim-conformance-results")


def register_faq_markers(config: pytest.Config) -> None:
    """Every FAQ number is a marker (pytest-bdd turns the tag @Q12-7 into the mark Q12-7)."""
    from conformance.faq import load_items

    config.addinivalue_line("markers", f"{CARD_TAG}: a scenario with the virtual My Number Card (needs the "
                                       "cards folder of the target)")
    for item in load_items():
        config.addinivalue_line("markers", f"{item.faq}: FAQ {item.faq} — {item.gloss}")


# -- the system under test ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def rasim(request: pytest.FixtureRequest) -> Iterator[RasimClient]:
    config = request.config
    collector: ResultCollector = config.pluginmanager.get_plugin("rasim-conformance-results")
    target = config.getoption("--rasim-target")
    db_url = config.getoption("--rasim-database-url")
    if target:
        client = RasimClient.over_http(target, config.getoption("--rasim-cards-dir"))
        collector.target, collector.edition = target, _edition(client)
        yield client
        client.close()
    elif config.getoption("--rasim-in-process"):
        with tempfile.TemporaryDirectory(prefix="rasim-inprocess-") as tmp:
            from simulator.adapters.migrate import upgrade
            from simulator.web.app import create_app

            url = db_url or f"sqlite:///{tmp}/rasim.sqlite3"
            upgrade(url)
            app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": f"{tmp}/var", "TESTING": True,
                              "RASIM_CARDS_DIR": config.getoption("--rasim-cards-dir") or f"{tmp}/cards"})
            client = RasimClient.in_process(app)
            collector.target, collector.edition = "in-process", _edition(client)
            yield client
            app.extensions["rasim.engine"].dispose()
    else:
        from conformance.server import SimulatorServer

        with SimulatorServer(database_url=db_url, workers=config.getoption("--rasim-workers"),
                             edition=os.environ.get("RASIM_EDITION")) as server:
            client = RasimClient.over_http(server.url, str(server.cards_dir))
            collector.target, collector.edition = server.url, _edition(client)
            yield client
            client.close()


def _edition(client: RasimClient) -> str | None:
    try:
        reply = client.system_status()
        return str(reply.json.get("edition")) if reply.ok and isinstance(reply.json, dict) else None
    except Exception:  # noqa: BLE001 - the report says "unknown" instead
        return None


# -- selection by FAQ number ---------------------------------------------------------------------------------

def faq_tags_of(item: pytest.Item) -> list[str]:
    return sorted({m.name for m in item.iter_markers() if is_source_tag(m.name)}, key=faq_key)


def tag_selector(expr: str) -> Any:
    """'Q12-7,Q2-14' (any of), 'Q12' (a whole section), 'not Q2-14' or '~Q2-14' (exclude); for the 2026 suite
    '003-5.3' (that section of seed 003 and its subsections)."""
    include, exclude = [], []
    for part in re.split(r"[,\s]+(?=(?:not\s+|~)?@?Q)|,", expr.strip()):
        part = part.strip()
        if not part:
            continue
        negative = part.startswith(("not ", "~"))
        name = re.sub(r"^(not\s+|~)", "", part).lstrip("@").strip()
        (exclude if negative else include).append(name)

    def matches(tag: str, name: str) -> bool:
        if name.startswith("003-"):
            return tag == name or tag.startswith(name + ".")
        return tag == name or ("-" not in name and tag.startswith(name + "-"))

    def selected(tags: list[str]) -> bool:
        if any(matches(t, n) for t in tags for n in exclude):
            return False
        return not include or any(matches(t, n) for t in tags for n in include)

    return selected


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:   # the FAQ numbers show up in junit.xml as properties
        for tag in faq_tags_of(item):
            item.user_properties.append(("faq", tag))
    expr = config.getoption("--rasim-tags")
    selected = tag_selector(expr) if expr else (lambda tags: True)
    without_cards = config.getoption("--rasim-without-cards")
    keep, drop = [], []
    for item in items:
        wanted = selected(faq_tags_of(item)) and not (without_cards and item.get_closest_marker(CARD_TAG))
        (keep if wanted else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    if (config.getoption("--rasim-target") and not config.getoption("--rasim-cards-dir")
            and any(item.get_closest_marker(CARD_TAG) for item in items)):
        # an external target whose CA folder we do not know: no card can be issued that it trusts.
        # Refuse the run rather than report card scenarios that never ran.
        raise pytest.UsageError(UNKNOWN_CARDS_DIR)


# -- results ---------------------------------------------------------------------------------------------------

class ResultCollector:
    """Gathers one ScenarioResult per executed scenario from pytest's and pytest-bdd's hooks."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.results: list[ScenarioResult] = []
        self.failed_step: dict[str, str] = {}
        self.scenario_names: dict[str, str] = {}
        self.target: str | None = config.getoption("--rasim-target")
        self.edition: str | None = None
        self.started = time.monotonic()
        self.total = 0
        self.done = 0

    # pytest-bdd hooks
    @pytest.hookimpl
    def pytest_bdd_before_scenario(self, request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
        name = scenario.name
        callspec = getattr(request.node, "callspec", None)
        params = getattr(callspec, "params", {}).get("_pytest_bdd_example") if callspec else None
        if params:
            name += " [" + ", ".join(f"{k}={v}" for k, v in params.items()) + "]"
        self.scenario_names[request.node.nodeid] = name

    @pytest.hookimpl
    def pytest_bdd_step_error(self, request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                              step_func: Any, step_func_args: Any, exception: Exception) -> None:
        self.failed_step[request.node.nodeid] = f"{step.keyword.strip()} {step.name}"

    @pytest.hookimpl
    def pytest_bdd_step_func_lookup_error(self, request: pytest.FixtureRequest, feature: Any, scenario: Any,
                                          step: Any, exception: Exception) -> None:
        self.failed_step[request.node.nodeid] = f"{step.keyword.strip()} {step.name} (no step definition)"

    # pytest hooks
    @pytest.hookimpl
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
        outcome = yield
        rep = outcome.get_result()
        rep.faq_tags = faq_tags_of(item)   # type: ignore[attr-defined]
        scenario = getattr(getattr(item, "obj", None), "__scenario__", None)
        rep.scenario_name = self.scenario_names.get(item.nodeid) or getattr(scenario, "name", item.name)  # type: ignore[attr-defined]

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        tags = getattr(report, "faq_tags", None)
        if tags is None:
            return
        failed = report.failed
        finished = (report.when == "call") or (report.when == "setup" and not report.passed) or \
                   (report.when == "teardown" and report.failed)
        if not finished:
            return
        if report.when == "teardown":   # a teardown failure after a passed call: turn the result into a failure
            for r in self.results:
                if r.nodeid == report.nodeid:
                    r.outcome, r.reason = "failed", "teardown: " + _short(report)
            return
        outcome = "failed" if failed else ("skipped" if report.skipped else "passed")
        reason = ""
        if failed:
            step = self.failed_step.get(report.nodeid)
            reason = (f"{step}: " if step else f"{report.when}: ") + _short(report)
        elif report.skipped:
            reason = _skip_reason(report)
        name = getattr(report, "scenario_name", report.nodeid)
        for tag in tags or ["(untagged)"]:
            self.results.append(ScenarioResult(faq=tag, scenario=name, outcome=outcome, reason=reason,
                                               nodeid=report.nodeid, duration=report.duration))
        self.done += 1
        if self.config.getoption("--rasim-progress"):
            tr = self.config.pluginmanager.get_plugin("terminalreporter")
            if tr is not None:
                mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[outcome]
                tr.write_line(f"[{self.done:>3}/{self.total}] {mark} {' '.join(tags):<10} {name}"
                              + (f"\n        {reason[:300]}" if failed else ""))

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(self, report: pytest.TestReport, config: pytest.Config) -> Any:
        if config.getoption("--rasim-progress") and getattr(report, "faq_tags", None) is not None:
            if report.when == "call" or not report.passed:
                cat = "failed" if report.failed else ("skipped" if report.skipped else "passed")
                return cat, "", ""
            return "", "", ""
        return None

    @pytest.hookimpl
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        folder = self.config.getoption("--rasim-report")
        if not folder:
            return
        paths = write_reports(Path(folder), target=self.target or "unknown",
                              edition=self.edition or os.environ.get("RASIM_EDITION", "2024"),
                              results=self.results, elapsed=time.monotonic() - self.started,
                              selection=self.config.getoption("--rasim-tags"))
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line("reports: " + ", ".join(str(p) for p in paths))


def _short(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return " ".join(text.split())[:1000]


def _skip_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return str(report.longrepr or "")
