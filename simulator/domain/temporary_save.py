"""Rules of the temporary save (一時保存, 003 §8.2) and of the reuse of past input (過去の申請で入力した
事項を再利用する, §8.3), free of Flask, SQL and cryptography (the sealing is adapters/temporary_save.py).

A saved payload names its format, the edition's `temporary_save_version` (a system modification bumps it:
「改修前に一時保存したデータは、改修後に利用することができません」), the procedure it was saved on (it loads only
on that procedure's screen) and the values per form; attachments and the photo are never part of it
(「添付ファイルは一時保存できません」). Generic over a procedure key and forms, so an individual application,
a 利用申出 or a 定期報告 can use the same rules."""
from __future__ import annotations

import datetime as dt
from typing import Any

from simulator.domain.forms import Form, FormField
from simulator.domain.validators import Invalid, validate

FORMAT = "rasim-temporary-save"
NOT_OURS = "RASIM488E"           # foreign, damaged, edited or too large
OTHER_PROCEDURE = "RASIM489E"    # saved on another procedure's screen
OUTDATED = "RASIM490E"           # saved before a system modification (another version)
NOT_REUSABLE = "RASIM491E"       # a past application of another procedure, or entered too long ago


def payload(procedure_key: str, version: int, values: dict[str, dict[str, Any]], saved_at: dt.datetime,
            procedure_name: str = "") -> dict[str, Any]:
    return {"format": FORMAT, "version": version, "procedure": procedure_key, "procedure_name": procedure_name,
            "saved_at": saved_at.isoformat(timespec="seconds"), "values": values}


def refusal_of(saved: dict[str, Any], procedure_key: str, version: int) -> str | None:
    """Why the payload cannot be loaded on the screen of `procedure_key` (a code), or None."""
    if saved.get("format") != FORMAT or not isinstance(saved.get("values"), dict) \
            or not all(isinstance(v, dict) for v in saved["values"].values()):
        return NOT_OURS
    if saved.get("version") != version:
        return OUTDATED
    if saved.get("procedure") != procedure_key:
        return OTHER_PROCEDURE
    return None


def _still_valid(f: FormField, value: Any) -> bool:
    if isinstance(value, str) and value == "":
        return True
    try:
        validate(f.spec, value)
    except (Invalid, TypeError, ValueError):
        return False
    return True


def _kept(f: FormField, value: Any, check: bool) -> Any:
    if f.repeat_max:
        if not isinstance(value, list):
            return None
        parts = {p.key: p for p in f.parts}
        items = [{k: v for k, v in item.items() if k in parts and (not check or _still_valid(parts[k], v))}
                 for item in value[:f.repeat_max] if isinstance(item, dict)]
        return items or None
    if value is None or isinstance(value, dict | list):
        return None
    if check and not _still_valid(f, value):
        return None
    return value


def kept_values(form: Form, values: dict[str, Any], check: bool = False) -> dict[str, Any]:
    """The values of the items the form still declares (on its screen); with `check`, only those its
    checks still take — an item changed since (an option withdrawn by a revision of the ordinance) is
    left empty: 「自動で設定されないことがあります」 (§8.3)."""
    out: dict[str, Any] = {}
    for f in form.screen_fields:
        if f.key in values:
            value = _kept(f, values[f.key], check)
            if value is not None:
                out[f.key] = value
    return out


def reusable(entered_at: dt.datetime, now: dt.datetime, years: int) -> bool:
    """「再利用できる期間は入力してから2年間です」: entered no more than `years` years before now."""
    try:
        since = now.replace(year=now.year - years)
    except ValueError:   # 29 February
        since = now.replace(year=now.year - years, day=28)
    return years > 0 and entered_at >= since


def file_name(procedure_key: str, saved_at: dt.datetime, extension: str) -> str:
    """rasim: `<procedure>_<YYYYMMDDHHMMSS>.<extension>` (the seed names no file)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in procedure_key)[:60]
    return f"{safe}_{saved_at:%Y%m%d%H%M%S}.{extension}"
