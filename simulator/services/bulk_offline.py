"""The offline validator (`rasim bulk validate`): the server's checks of a bulk file (services.bulk_rows,
the very function the worker runs) without a server — in a throw-away database of its own holding only
the filer (of the chosen category), the test clock's day and, when given, the residence records the file's
persons are checked against (the JSON `rasim bulk generate` writes)."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from simulator.domain.errors import RuleViolation


def validate_file(data: bytes, filename: str, step1: dict[str, Any], edition: str, category: str = "host_org_staff",
                  records: list[dict[str, Any]] | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """{"ok", "rows", "file_error", "defects", "registry"}: the report of the file, as the server would find it."""
    from simulator.adapters import clock as clock_store
    from simulator.adapters.db import Account, make_engine, make_session_factory
    from simulator.adapters.migrate import upgrade
    from simulator.services import bulk_filing, bulk_rows, residence_records, unit_of_work
    from simulator.services.context import Ctx

    folder = Path(tempfile.mkdtemp(prefix="rasim-validate-"))
    url = f"sqlite:///{folder}/validate.sqlite3"
    engine = make_engine(url)
    try:
        upgrade(url)
        settings = unit_of_work.Settings(sessions=make_session_factory(engine), edition=edition)

        def use_case(ctx: Ctx) -> dict[str, Any]:
            when = dt.datetime.combine(today or dt.date.today(), dt.time(9, 0))
            clock_store.set_time(ctx.db, when, freeze=True)
            ctx.now = when
            account = Account(category=category, status="active", name="offline", email="offline@example.invalid",
                              created_at=ctx.now)
            ctx.db.add(account)
            ctx.db.flush()
            for body in records or []:
                residence_records.put(ctx, body)
            report: dict[str, Any] = {"registry": records is not None, "file_error": None, "defects": [], "rows": 0}
            try:
                chosen = bulk_filing.step1_for_file(category, step1)   # the file's STEP1; no usage-request gate offline
                checked = bulk_rows.check_file(ctx, account, chosen, filename, data, registry=records is not None)
            except RuleViolation as v:
                p = v.problems[0]
                report["file_error"] = {"code": p.code, "message": bulk_rows.message_of(p),
                                        "reason": p.params.get("理由", ""), "field": p.field}
            else:
                report["rows"] = len(checked.rows)
                report["defects"] = [d.as_dict() for d in checked.defects]
            report["ok"] = report["file_error"] is None and not report["defects"]
            ctx.db.rollback()
            return report

        return unit_of_work.run(settings, unit_of_work.Caller(actor="validate", channel="cli"), use_case)
    finally:
        engine.dispose()
        shutil.rmtree(folder, ignore_errors=True)


def load_records(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data.get("records") if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError(f"{path}: a list of residence records (or {{\"records\": [...]}}) was expected")
    return records
