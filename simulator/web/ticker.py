"""The ticker of a served worker: every RASIM_TICK_SECONDS (default 1; 0 switches it off) an empty unit
of work, which fires whatever the test clock says is due (services/events.py) — the bulk worker's batches
(issue 11), the mails due minutes later, unlocks — so they happen when due and not only when the next
request happens to come. Several workers tick at once safely: due events are claimed with SKIP LOCKED on
PostgreSQL and under SQLite's write lock."""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

DEFAULT_SECONDS = 1.0


def interval() -> float:
    raw = os.environ.get("RASIM_TICK_SECONDS", "")
    try:
        value = float(raw) if raw else DEFAULT_SECONDS
    except ValueError:
        raise ValueError(f"RASIM_TICK_SECONDS={raw!r} is not a number of seconds") from None
    if value < 0:
        raise ValueError(f"RASIM_TICK_SECONDS={raw!r} is negative")
    return value


class Ticker(threading.Thread):
    def __init__(self, app: Any, log: Any = None, seconds: float | None = None) -> None:
        super().__init__(name="rasim-ticker", daemon=True)
        self.app, self.seconds = app, interval() if seconds is None else seconds
        self.log = log or logging.getLogger("rasim.ticker")
        self.stopped = threading.Event()

    def start(self) -> None:
        if self.seconds > 0:
            super().start()

    def stop(self) -> None:
        self.stopped.set()

    def tick(self) -> None:
        from simulator.services import unit_of_work
        from simulator.web import runtime

        with self.app.app_context():
            caller = unit_of_work.Caller(actor="system", channel="cli", base_url=runtime.base_url(), reads_mostly=True)
            unit_of_work.run(runtime.settings(), caller, lambda ctx: None)

    def run(self) -> None:
        while not self.stopped.wait(self.seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a failed tick is logged; the next one tries again
                self.log.exception("the ticker's unit of work failed; trying again in %s s", self.seconds)
