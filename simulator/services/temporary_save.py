"""入力中のデータを保存する／読み込む (003 §8.2): the input of one 申込 in progress to a sealed file on the user's
PC and back. Saving does not submit (「[入力中のデータを保存する]をクリックしても、申込は完了しません」): nothing
but the audit trail is written. Loading takes a file of the same procedure and the same version only and sets
the values of the items the forms still declare; the user goes through the steps again (nothing is taken as
checked), and attachments and the photo are never in a file.

`seal_values` / `open_values` are generic over a procedure key and the values per form (an individual
application, a 利用申出, a 定期報告); `save_input` / `load_input` serve the application input in progress
(services/application_input.py). The sealer is the installation's secret (adapters/temporary_save.py)."""
from __future__ import annotations

import json
from typing import Any

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import ApplicationInput
from simulator.adapters.temporary_save import NotASealedFile, open_sealed_payload, seal_payload
from simulator.domain import input_plan
from simulator.domain import temporary_save as rules
from simulator.domain.errors import RuleViolation
from simulator.services import application_input
from simulator.services.application_rows import _procedure_label
from simulator.services.context import Ctx


def offered(ctx: Ctx) -> None:
    """RASIM404E where the edition has no temporary save."""
    if not ctx.ed.temporary_save:   # an edition without the feature (2024: FAQ Q4-27, no draft save)
        raise RuleViolation.one("RASIM404E")


def seal_values(ctx: Ctx, secret_key: str, procedure_key: str, values: dict[str, dict[str, Any]],
                procedure_name: str = "", file_stem: str = "") -> tuple[bytes, str]:
    """The file (its bytes and its name, `<file_stem>_<YYYYMMDDHHMMSS>.rasim`) of `values` (form or step key →
    field values) saved on the screen of `procedure_key`."""
    offered(ctx)
    payload = rules.payload(procedure_key, ctx.ed.temporary_save_version, values, ctx.now, procedure_name)
    name = rules.file_name(file_stem or procedure_key, ctx.now, ctx.ed.temporary_save_extension)
    return seal_payload(payload, secret_key), name


def open_values(ctx: Ctx, secret_key: str, procedure_key: str, data: bytes) -> dict[str, dict[str, Any]]:
    """The values of a file read on the screen of `procedure_key`: RASIM488E (not ours), RASIM490E (an older
    version), RASIM489E (another procedure's)."""
    offered(ctx)
    try:
        saved = open_sealed_payload(data, secret_key, ctx.ed.temporary_save_max_bytes)
    except NotASealedFile:
        raise RuleViolation.one(rules.NOT_OURS, "file") from None
    code = rules.refusal_of(saved, procedure_key, ctx.ed.temporary_save_version)
    if code == rules.OTHER_PROCEDURE:
        raise RuleViolation.one(code, "file", 手続き=str(saved.get("procedure_name") or saved.get("procedure"))[:80])
    if code:
        raise RuleViolation.one(code, "file")
    return saved["values"]


# --- the application input in progress ----------------------------------------------------------------

def procedure_key(inp: ApplicationInput) -> str:
    """rasim: the 「手続き」 of a saved input is its procedure with its status of residence (and 主たる活動), the
    choice of STEP1 that decides which forms the 申込 has."""
    return ":".join(["application", inp.procedure, inp.status_of_residence or "-", inp.hsp_activity or "-"])


def procedure_name(inp: ApplicationInput) -> str:
    return _procedure_label(inp.procedure)


def _steps(account: Account, inp: ApplicationInput) -> list[tuple[str, str]]:
    return [(k, f) for k, f in application_input.plan_of(account, inp).steps
            if k not in (input_plan.STEP1, input_plan.STEP3)]


def save_input(ctx: Ctx, account: Account, secret_key: str,
               typed: dict[str, dict[str, Any]] | None = None) -> tuple[bytes, str]:
    """[↓ 入力中のデータを保存する]: the steps' values as kept, with what is typed on the current screen (`typed`,
    step → values, not yet checked: input in progress) over them; the input itself is not changed."""
    offered(ctx)
    inp = application_input.current(ctx, account)
    kept = json.loads(inp.values_json or "{}")
    values: dict[str, dict[str, Any]] = {}
    for step, form_key in _steps(account, inp):
        merged = {**(kept.get(step) or {}), **((typed or {}).get(step) or {})}
        chosen = rules.kept_values(catalog.form(form_key, ctx.ed), merged)
        if chosen:
            values[step] = chosen
    data, name = seal_values(ctx, secret_key, procedure_key(inp), values, procedure_name(inp),
                             inp.procedure)
    ctx.audit("application_input.temporarily_saved", f"account:{account.id}", procedure=inp.procedure,
              steps=sorted(values), bytes=len(data))
    return data, name


def check_file(ctx: Ctx, account: Account, secret_key: str, data: bytes) -> dict[str, Any]:
    """[確認へ進む] of [ファイル読み込]: the file is one this screen can read (nothing is changed yet)."""
    offered(ctx)
    inp = application_input.current(ctx, account)
    values = open_values(ctx, secret_key, procedure_key(inp), data)
    return {"procedure": inp.procedure, "procedure_name": procedure_name(inp), "steps": sorted(values)}


def load_input(ctx: Ctx, account: Account, secret_key: str, data: bytes) -> dict[str, Any]:
    """[読込む]: the values of the file replace those of the steps of the input in progress; every step after
    STEP1 is to be confirmed again (次へ), so nothing unchecked reaches an application."""
    offered(ctx)
    inp = application_input.current(ctx, account)
    saved = open_values(ctx, secret_key, procedure_key(inp), data)
    return replace_values(ctx, account, inp, saved, check=False, action="application_input.temporary_save_loaded")


def replace_values(ctx: Ctx, account: Account, inp: ApplicationInput, saved: dict[str, Any], check: bool,
                   action: str, **detail: Any) -> dict[str, Any]:
    """Set the values of `saved` (step → values) that the current forms still declare (with `check`, only those
    their checks still take); STEP1 stays as chosen; the steps after it are open again."""
    values = {"step1": json.loads(inp.values_json or "{}").get("step1", {})}
    for step, form_key in _steps(account, inp):
        given = saved.get(step)
        if isinstance(given, dict):
            chosen = rules.kept_values(catalog.form(form_key, ctx.ed), given, check)
            if chosen:
                values[step] = chosen
    inp.values_json = json.dumps(values, ensure_ascii=False, default=str)
    inp.steps_done = json.dumps([input_plan.STEP1])
    inp.last_activity_at = ctx.now
    ctx.audit(action, f"account:{account.id}", procedure=inp.procedure, steps=sorted(k for k in values if k != "step1"),
              **detail)
    return application_input.describe(ctx, account, inp)
