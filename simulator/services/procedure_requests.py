"""The 申込 of a procedure that is not a residence application (edition 2026): the online 利用申出 (003 §3.3)
and 定期報告 (003 §6), one use case for both. A procedure is a form of catalog/forms/ with a [procedure] table
(its files, numbers, mails, what its approval grants), served when the edition lists it (editions.toml
`procedure_requests`); its 処理状況 and the bureau's actions are catalog/procedure_requests.toml.

[申込] keeps the input (入力中) with its PDFs (合計 20 ファイル / 20MB, the PDF checks of adapters/pdf.py);
[申込む] gives the 整理番号 and a パスワード, each in a mail of its own, and 処理待ち; a 定期報告 then its
定期報告受付番号 by mail. The bureau examines, returns (返却中, the mail again after the edition's
correction_reminder_days), approves (a 利用申出's approval lets its user file residence applications) or
refuses. 修正する → [申込む] again: 処理待ち, with the additional PDFs of that round only."""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters import uploads
from simulator.adapters.db import Account, Organisation, ScheduledEvent
from simulator.adapters.db_applications import StoredFile
from simulator.adapters.db_procedure_requests import ProcedureRequest, ProcedureRequestFile
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services.attachments import checked_pdf
from simulator.services import reference_numbers
from simulator.services.context import Ctx
from simulator.services.events import handler

INPUT = "input"                     # rasim: a [申込] not yet applied for (not a 処理状況 of 003)
RETURNED = "returned"               # 返却中 (catalog/procedure_requests.toml [actions.return])
TOO_MANY_FILES, TOO_MANY_BYTES = "RASIM496E", "RASIM497E"
MB = 1024 * 1024


@lru_cache(maxsize=None)
def machine() -> dict[str, Any]:
    """catalog/procedure_requests.toml: the states after [申込む] and the bureau's actions."""
    import tomllib

    with open(catalog.HERE / "procedure_requests.toml", "rb") as f:
        return tomllib.load(f)


def procedure_of(form_key: str) -> dict[str, Any]:
    return dict(catalog.form(form_key).extra["procedure"])


def form_for(ctx: Ctx, slug: str) -> str:
    return offered_form(ctx.ed, slug)


def offered_form(ed: catalog.Edition, slug: str) -> str:
    """The form of a procedure the edition offers, by its slug (RASIM499E otherwise)."""
    for key in ed.procedure_requests:
        if procedure_of(key)["slug"] == slug:
            return key
    raise RuleViolation.one("RASIM499E", "procedure", status=404)


def label(form_key: str, lang: str = "ja") -> str:
    return catalog.labels()[lang][procedure_of(form_key)["label"]]


def status_label(state: str) -> str:
    if state == INPUT:
        return ""
    return next(r["label_ja"] for r in catalog.table("application_statuses.csv")
                if r["edition"] == "2026" and r["key"] == state)


def files_of(ctx: Ctx, req: ProcedureRequest) -> list[tuple[ProcedureRequestFile, StoredFile]]:
    q = select(ProcedureRequestFile, StoredFile).join(StoredFile, StoredFile.id == ProcedureRequestFile.stored_file_id)
    return [(a, f) for a, f in ctx.db.execute(q.where(ProcedureRequestFile.request_id == req.id)
                                              .order_by(ProcedureRequestFile.id)).all()]


def view(ctx: Ctx, req: ProcedureRequest) -> dict[str, Any]:
    proc = procedure_of(req.form)
    return {"id": req.id, "procedure": proc["slug"], "procedure_name": label(req.form), "state": req.state,
            "status_label": status_label(req.state), "reference_number": req.reference_number,
            "receipt_number": req.receipt_number, "round": req.round, "note": req.note,
            "values": json.loads(req.values_json),
            "files": [{"file_id": a.id, "filename": f.filename, "size": f.size, "round": a.round}
                      for a, f in files_of(ctx, req)],
            "submitted_at": req.submitted_at.isoformat() if req.submitted_at else None,
            "decided_at": req.decided_at.isoformat() if req.decided_at else None}


def _refuse_category(account: Account) -> None:
    """Only the organisation staff who file through a usage request (categories.csv route) use these."""
    if catalog.category(account.category).route != "usage_request":
        raise RuleViolation.one("RASIM499E", "procedure", status=404)


def start(ctx: Ctx, account: Account, slug: str) -> dict[str, Any]:
    """[同意する] → [申込]: the user's input of this procedure in progress, or a new one."""
    form_key = form_for(ctx, slug)
    _refuse_category(account)
    req = ctx.db.scalars(select(ProcedureRequest).where(ProcedureRequest.account_id == account.id,
                                                        ProcedureRequest.form == form_key,
                                                        ProcedureRequest.state == INPUT)).first()
    if req is None:
        req = ProcedureRequest(account_id=account.id, form=form_key, state=INPUT, values_json="{}", round=0,
                               note="", created_at=ctx.now)
        ctx.db.add(req)
        ctx.db.flush()
        ctx.audit("procedure_request.started", f"procedure_request:{req.id}", form=form_key)
    return view(ctx, req)


def own(ctx: Ctx, account: Account, request_id: Any) -> ProcedureRequest:
    """The user's own 申込 (RASIM404E for an unknown one or another user's)."""
    req = ctx.db.get(ProcedureRequest, request_id) if isinstance(request_id, int) and 0 < request_id < 2**31 else None
    if req is None or req.account_id != account.id or req.form not in ctx.ed.procedure_requests:
        raise RuleViolation.one("RASIM404E", "id")
    return req


def correctable(state: str) -> bool:
    """返却中: 「修正する >」 is offered (003 §7.2)."""
    return state == RETURNED


def open_for_input(state: str) -> bool:
    """Its [申込] takes input: 入力中, or 返却中 for the correction."""
    return state == INPUT or correctable(state)


def editable(req: ProcedureRequest, operation: str) -> None:
    if not open_for_input(req.state):
        raise RuleViolation.one("RASIM470E", status=409, 状態=status_label(req.state),
                                操作=catalog.labels()["ja"][f"procedure_request.{operation}"])


def get(ctx: Ctx, account: Account, request_id: int) -> dict[str, Any]:
    return view(ctx, own(ctx, account, request_id))


def list_mine(ctx: Ctx, account: Account) -> dict[str, Any]:
    rows = ctx.db.scalars(select(ProcedureRequest).where(ProcedureRequest.account_id == account.id,
                                                         ProcedureRequest.state != INPUT)
                          .order_by(ProcedureRequest.id.desc()).limit(200))
    return {"procedure_requests": [view(ctx, r) for r in rows if r.form in ctx.ed.procedure_requests]}


def largest_upload_bytes() -> int:
    """The largest total any procedure request takes (the [procedure] limits of every edition's forms): the cap
    of one upload before the service counts it against the request's own limit."""
    keys = {key for name in catalog.edition_names() for key in catalog.edition(name).procedure_requests}
    return max(max(p["files_max_bytes"], p["correction_files_max_bytes"]) for p in map(procedure_of, keys))


def _limits(req: ProcedureRequest) -> tuple[int, int]:
    proc = procedure_of(req.form)
    return proc["files_max"], proc["correction_files_max_bytes"] if req.round else proc["files_max_bytes"]


def attach(ctx: Ctx, account: Account, request_id: int, filename: str, received: uploads.Received,
           files_dir: Path) -> dict[str, Any]:
    """[添付する]: one PDF (streamed to a temporary file beforehand), counted with the others of the round."""
    try:
        req = own(ctx, account, request_id)
        editable(req, "attach")
        max_files, max_bytes = _limits(req)
        kept = [f.size for a, f in files_of(ctx, req) if a.round == req.round]
        if received.too_large or sum(kept) + received.size > max_bytes:
            raise _limit(TOO_MANY_BYTES, 容量=str(max_bytes // MB))
        if len(kept) + 1 > max_files:
            raise _limit(TOO_MANY_FILES, 件数=str(max_files))
        checked_pdf(received, filename, refuse_error_files=True)   # 003 §3.3.3, §6.2: 添付できません
    except RuleViolation:
        uploads.discard(received)
        raise
    dest = uploads.keep(received, files_dir / f"{account.id}" / f"request{req.id}-{received.sha256[:16]}.pdf")
    stored = StoredFile(account_id=account.id, kind="document", filename=filename[:255], size=received.size,
                        sha256=received.sha256, path=str(dest), created_at=ctx.now)
    ctx.db.add(stored)
    ctx.db.flush()
    ctx.db.add(ProcedureRequestFile(request_id=req.id, stored_file_id=stored.id, round=req.round, created_at=ctx.now))
    ctx.db.flush()
    ctx.audit("procedure_request.file_attached", f"procedure_request:{req.id}", size=received.size, round=req.round)
    return view(ctx, req)


def _limit(code: str, **params: str) -> RuleViolation:
    violation = RuleViolation.one(code, "document", **params)
    if violation.status == 400:
        violation.status = 422
    return violation


def remove_file(ctx: Ctx, account: Account, request_id: int, file_id: int) -> dict[str, Any]:
    """[削除]: a file of the current round (the files of an earlier 申込 stay)."""
    req = own(ctx, account, request_id)
    editable(req, "remove")
    pair = next(((a, f) for a, f in files_of(ctx, req) if a.id == file_id and a.round == req.round), None)
    if pair is None:
        raise RuleViolation.one("RASIM404E", "file_id")
    if pair[1].path:
        Path(pair[1].path).unlink(missing_ok=True)
    ctx.db.delete(pair[0])
    ctx.db.flush()   # the link first: the stored file's row cascades to it otherwise
    ctx.db.delete(pair[1])
    ctx.audit("procedure_request.file_removed", f"procedure_request:{req.id}", file=file_id)
    return view(ctx, req)


def _cleaned(ctx: Ctx, req: ProcedureRequest, values: dict[str, Any]) -> dict[str, Any]:
    form = catalog.form(req.form, ctx.ed)
    known = {f.key for f in form.fields}
    for key in values:
        if key not in known:
            raise RuleViolation.one("RASIM400E", str(key)[:40], 理由=f"{str(key)[:40]} is not a field of this form")
    problems = Problems()
    cleaned = validate_form(form, values, problems)
    if req.round == 0 and procedure_of(req.form)["files_required"] and not files_of(ctx, req):
        problems.add("WZBAM001E", "files", 入力項目名=catalog.labels()["ja"]["procedure_request.files_label"])
    problems.raise_if_any(status=422)
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in cleaned.items()}


def check(ctx: Ctx, account: Account, request_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """[確認へ進む]: the values checked (the 必須 items, lengths, the 12 digits) and kept for [申込確認]."""
    req = own(ctx, account, request_id)
    editable(req, "submit")
    req.values_json = json.dumps(_cleaned(ctx, req, values), ensure_ascii=False)
    ctx.audit("procedure_request.checked", f"procedure_request:{req.id}")
    return view(ctx, req)


def submit(ctx: Ctx, account: Account, request_id: int, values: dict[str, Any] | None) -> dict[str, Any]:
    """[申込む] → [申込完了] (or, on 返却中, the corrected 申込 again). The パスワード is shown once: its hash is kept."""
    req = own(ctx, account, request_id)
    editable(req, "submit")
    cleaned = _cleaned(ctx, req, json.loads(req.values_json) if values is None else values)
    req.values_json = json.dumps(cleaned, ensure_ascii=False)
    name, proc = label(req.form), procedure_of(req.form)
    if correctable(req.state):
        req.state, req.note = machine()["resubmitted"], ""
        ctx.audit("procedure_request.resubmitted", f"procedure_request:{req.id}", round=req.round)
        return view(ctx, req)
    req.state, req.submitted_at = machine()["submitted"], ctx.now
    req.reference_number = machine()["reference_number"].format(year=ctx.now.year, id=req.id)
    password, req.password_hash = reference_numbers.issue(ctx, account, name, req.reference_number)
    words = {"name": account.name, "procedure": name, "reference_number": req.reference_number}
    if proc["receipt_number"]:   # 003 §6.2 step 6: after the completion mails, the 定期報告受付番号
        req.receipt_number = proc["receipt_number"].format(year=ctx.now.year, serial=req.id)   # unique as the id
        ctx.mail(account.email, "periodic_report_receipt_number", account.id,
                 **(words | {"receipt_number": req.receipt_number}))
    ctx.audit("procedure_request.submitted", f"procedure_request:{req.id}", form=req.form,
              reference_number=req.reference_number)
    return view(ctx, req) | {"password": password}


# -- the bureau --------------------------------------------------------------------------------------------------

def bureau_list(ctx: Ctx, state: str | None = None) -> dict[str, Any]:
    q = select(ProcedureRequest).where(ProcedureRequest.state != INPUT)
    if state:
        q = q.where(ProcedureRequest.state == state)
    rows = ctx.db.scalars(q.order_by(ProcedureRequest.id.desc()).limit(200))
    return {"procedure_requests": [view(ctx, r) | {"account_id": r.account_id} for r in rows]}


def bureau_act(ctx: Ctx, request_id: Any, action: Any, note: Any = "") -> dict[str, Any]:
    """examine / return (with what to correct) / approve / refuse, each with its mail (procedure_requests.toml)."""
    req = ctx.db.get(ProcedureRequest, request_id) if isinstance(request_id, int) and 0 < request_id < 2**31 else None
    if req is None or req.state == INPUT:
        raise RuleViolation.one("RASIM404E", "id")
    actions = machine()["actions"]
    if not isinstance(action, str) or action not in actions:
        raise RuleViolation.one("RASIM400E", "action", 理由="action must be one of " + ", ".join(actions))
    if not isinstance(note, str) or len(note) > 400:
        raise RuleViolation.one("RASIM400E", "note", 理由="note must be a text of at most 400 characters")
    step = actions[action]
    if req.state not in step["from"]:
        raise RuleViolation.one("RASIM470E", status=409, 状態=status_label(req.state), 操作=action)
    account = ctx.db.get(Account, req.account_id)
    assert account is not None
    req.state = step["to"]
    if action == "return":
        req.round, req.note, req.returned_at = req.round + 1, note, ctx.now
        if ctx.ed.correction_reminder_days:
            ctx.schedule(ctx.now + dt.timedelta(days=ctx.ed.correction_reminder_days),
                         "procedure_request_correction_reminder", account.id, request_id=req.id, round=req.round)
    if action in ("approve", "refuse"):
        req.decided_at = ctx.now
    if action == "approve" and procedure_of(req.form)["on_approve"] == "grant_filing":
        _grant_filing(ctx, account, json.loads(req.values_json))
    if step["mail"]:
        kind = procedure_of(req.form)["approved_mail"] if step["mail"] == "approved" else step["mail"]
        _mail(ctx, account, req, kind, again="")
    ctx.audit(f"procedure_request.{action}", f"procedure_request:{req.id}", state=req.state)
    return view(ctx, req)


def _mail(ctx: Ctx, account: Account, req: ProcedureRequest, kind: str, again: str) -> None:
    ctx.mail(account.email, kind, account.id, name=account.name, procedure=label(req.form),
             reference_number=req.reference_number or "", note=req.note, again=again, url=ctx.url("/login"))


def _grant_filing(ctx: Ctx, account: Account, values: dict[str, Any]) -> None:
    """The approved 利用申出 registers its user with the organisation (found by name and kind, or new), which is
    what lets organisation staff file residence applications (the paper route's approval does the same)."""
    kind = catalog.category(account.category).organisation_kind or "host"
    name = values.get("request_organisation_name") or account.name
    org = ctx.db.scalars(select(Organisation).where(Organisation.name == name, Organisation.kind == kind)).first()
    if org is None:
        org = Organisation(name=name, kind=kind, address="", created_at=ctx.now)
        ctx.db.add(org)
        ctx.db.flush()
    account.organisation_id = org.id
    ctx.audit("organisation.member_added", f"organisation:{org.id}", account=account.id)


@handler("procedure_request_correction_reminder")
def _remind(ctx: Ctx, ev: ScheduledEvent, payload: dict) -> None:
    """003 §7.2 参考: no correction 7 days after the request → the mail again (once per request: rasim)."""
    req = ctx.db.get(ProcedureRequest, payload.get("request_id"))
    if req is None or not correctable(req.state) or req.round != payload.get("round"):
        return
    account = ctx.db.get(Account, req.account_id)
    if account is None:
        return
    _mail(ctx, account, req, "procedure_request_correction", again=catalog.labels()["ja"]["bureau_words.again"])
    ctx.audit("procedure_request.correction_reminded", f"procedure_request:{req.id}", round=req.round)


def refuse_until_approved(ctx: Ctx, account: Account) -> None:
    """Organisation staff (categories.csv route usage_request) file residence applications only once a usage
    request of theirs is approved: on paper the bureau registers them with their organisation, online the
    approval does (RASIM498E before)."""
    if catalog.category(account.category).route == "usage_request" and account.organisation_id is None:
        raise RuleViolation.one("RASIM498E", "procedure")
