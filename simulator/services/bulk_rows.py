"""The checks of a bulk file, one function for every caller: the worker that registers an upload, the
offline validator (`rasim bulk validate`), the 2026 読込結果 and the tests. The file as a whole
(004 §2.5.3 #3: WZBAM141E–145E), then each row exactly as the screens check an individual input:
every step's form, then the rules across fields and the person behind it (application_input's rules).
A defect names the file line, the column header, the code and the message as the system writes it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import ApplicationInput
from simulator.domain import bulk_format, input_plan
from simulator.domain.errors import Problem, Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services.context import Ctx


@dataclass(frozen=True)
class Defect:
    line: int          # the line of the file (the header is line 1)
    column: str        # the header of the column, "" when the problem is of the row (WZBAM118E)
    code: str
    message: str       # as S26 shows it: the catalogue text with its 【…】 filled, no code

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "code": self.code, "message": self.message}


@dataclass
class RowResult:
    line: int
    cells: list[str]
    values: dict[str, dict[str, Any]]
    merged: dict[str, Any] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)

    @property
    def applicant_name(self) -> str:
        return str(self.values.get("step2_1", {}).get("applicant_name", ""))[:104]

    @property
    def birth_date(self) -> str:
        return str(self.values.get("step2_1", {}).get("birth_date_applicant", "") or "")


@dataclass
class FileCheck:
    layout: bulk_format.Layout
    rows: list[RowResult]

    @property
    def defects(self) -> list[Defect]:
        return [d for r in self.rows for d in r.defects]


def message_of(p: Problem) -> str:
    return catalog.message(p.code).render(p.params)[0]


def refuse_file(code: str, reason: str) -> RuleViolation:
    """The file refused as a whole: on the file chooser, 422 like any refused file (attachments.refused_file)."""
    from simulator.services.attachments import refused_file

    violation = refused_file(code, "bulk_file")
    violation.problems[0].params["理由"] = reason
    return violation


def check_shape(ctx: Ctx, category: str, step1: dict[str, Any], filename: str, data: bytes
                ) -> tuple[bulk_format.Layout, list[tuple[int, list[str]]]]:
    """The file as a whole, before any row: extension (145E), size (144E), a bulk CSV (141E), the layout of
    the STEP1 choice and each row's STEP1 columns (143E), at most 300 persons (142E)."""
    if not filename.lower().endswith(".csv"):
        raise refuse_file("WZBAM145E", "the file name does not end in .csv")
    if len(data) > ctx.ed.bulk_max_bytes:
        raise refuse_file("WZBAM144E", f"more than {ctx.ed.bulk_max_bytes} bytes")
    try:
        header, rows = bulk_format.read_rows(data)
    except bulk_format.FileRefused as refused:
        raise refuse_file(refused.code, refused.reason) from None
    lay = bulk_format.layout(category, step1["procedure"], step1["status_of_residence"], ctx.ed.name)
    first = lay.columns[0].header
    if header != lay.headers:
        if not header or header[0] != first:
            raise refuse_file("WZBAM141E", "the header is not that of a bulk template")
        raise refuse_file("WZBAM143E", "the columns are not those of the template of the chosen 申請種別 and 在留資格")
    if not rows:
        raise refuse_file("WZBAM143E", "no applicant in the file")
    if len(rows) > ctx.ed.bulk_max_rows:
        raise refuse_file("WZBAM142E", f"{len(rows)} applicants; at most {ctx.ed.bulk_max_rows}")
    for line, cells in rows:
        if len(cells) != len(lay.headers):
            raise refuse_file("WZBAM143E", f"line {line} has {len(cells)} cells, the header {len(lay.headers)}")
        chosen = bulk_format.step_values(lay, cells).get(input_plan.STEP1, {})
        for key in ("procedure", "status_of_residence", "hsp_activity"):
            if (chosen.get(key) or None) != (step1.get(key) or None):   # 004 §2.5.6: STEP1 must match the file
                raise refuse_file("WZBAM143E", f"line {line}: {key} differs from STEP1")
    return lay, rows


def check_file(ctx: Ctx, account: Account, step1: dict[str, Any], filename: str, data: bytes,
               registry: bool = True) -> FileCheck:
    """Every check of the file and of each of its rows; nothing is stored (a row whose person already has an
    application in progress, in the database or earlier in the file, is WZBAM118E). Without the `registry`
    (the offline validator given no records) the checks of 身分事項2 against the person are not run."""
    lay, rows = check_shape(ctx, account.category, step1, filename, data)
    results: list[RowResult] = []
    seen: set[int] = set()
    for line, cells in rows:
        result = check_row(ctx, account, step1, lay, line, cells, registry)
        record_id = result.merged.get("_record_id")
        if not result.defects and record_id is not None:
            if record_id in seen:
                result.defects.append(Defect(line, "", "WZBAM118E", message_of(Problem("WZBAM118E"))))
            seen.add(record_id)
        results.append(result)
    return FileCheck(lay, results)


def transient_input(account: Account, step1: dict[str, Any], values: dict[str, dict[str, Any]]) -> ApplicationInput:
    """The row as the input the screens would have built (never added to the session)."""
    return ApplicationInput(account_id=account.id, parent_id=None, procedure=step1["procedure"],
                            status_of_residence=step1["status_of_residence"], hsp_activity=step1.get("hsp_activity"),
                            values_json=json.dumps({input_plan.STEP1: step1, **values}, ensure_ascii=False,
                                                   default=str))


def check_row(ctx: Ctx, account: Account, step1: dict[str, Any], lay: bulk_format.Layout, line: int,
              cells: list[str], registry: bool = True) -> RowResult:
    values = {k: v for k, v in bulk_format.step_values(lay, cells).items() if k != input_plan.STEP1}
    return check_values(ctx, account, step1, lay, RowResult(line, cells, values), registry)


def check_values(ctx: Ctx, account: Account, step1: dict[str, Any], lay: bulk_format.Layout, result: RowResult,
                 registry: bool = True) -> RowResult:
    """A row's values (from its cells, or as corrected on 申込詳細) checked as the screens check an input."""
    from simulator.services import application_input, residence_records

    line, values = result.line, result.values
    plan = input_plan.plan(account.category, step1["procedure"], step1["status_of_residence"])
    merged: dict[str, Any] = {}
    for step, form_key in plan.steps:
        if step in (input_plan.STEP1, input_plan.STEP3):
            continue
        problems = Problems()
        merged.update(validate_form(catalog.form(form_key, ctx.ed), values.get(step, {}), problems))
        result.defects += [Defect(line, lay.header_of(step, p.field), p.code, message_of(p)) for p in problems.items]
    if result.defects:
        return result
    inp = transient_input(account, step1, values)
    for step in ("step2_1", "step2_2") if registry else ("step2_1",):   # as at 「次へ」 of each step
        try:
            application_input.step_rules(ctx, account, inp, step, merged)
        except RuleViolation as v:
            result.defects += [Defect(line, lay.header_of("", p.field), p.code, message_of(p)) for p in v.problems]
            return result
    record = residence_records.for_values(ctx, step1["procedure"], merged)
    result.merged = {**merged, "_record_id": record.id if record is not None else None}
    return result
