"""申請情報入力, STEP1 → STEP3 (004 §2.4, §2.8): one input in progress per user, kept step by step and
erased after 30 minutes without a screen change (FAQ Q4-27: no draft save; 戻る/次へ keep it and restart
the 30 minutes). STEP3 turns it into an application in 入力完了(申請未了). The same use cases serve the
screens and the API; every field is checked here, whatever a screen did."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account
from simulator.adapters.db_applications import Application, ApplicationInput
from simulator.catalog import places
from simulator.domain import eligibility, input_plan, receipt
from simulator.domain import person_checks as checks
from simulator.domain.applications import in_progress_states, next_state, refusal
from simulator.domain.errors import Problem, Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services import residence_files, residence_records
from simulator.services.system import refuse_during_maintenance
from simulator.services.application_rows import row_of, rule_row
from simulator.services.context import Ctx



def _values(inp: ApplicationInput) -> dict[str, dict[str, Any]]:
    return json.loads(inp.values_json or "{}")


def _done(inp: ApplicationInput) -> list[str]:
    return json.loads(inp.steps_done or "[]")


def plan_of(account: Account, inp: ApplicationInput) -> input_plan.Plan:
    return input_plan.plan(account.category, inp.procedure, inp.status_of_residence)


def describe(ctx: Ctx, account: Account, inp: ApplicationInput, warnings: list[str] | None = None) -> dict[str, Any]:
    p = plan_of(account, inp)
    done = _done(inp)
    upcoming = next((k for k in p.keys if k not in done), input_plan.STEP3)
    return {"procedure": inp.procedure, "status_of_residence": inp.status_of_residence, "hsp_activity": inp.hsp_activity,
            "parent_id": inp.parent_id, "steps": [{"step": k, "form": f, "done": k in done} for k, f in p.steps],
            "next_step": upcoming, "values": _values(inp), "warnings": warnings or [],
            "expires_at": (inp.last_activity_at + dt.timedelta(minutes=ctx.ed.application_input_minutes)).isoformat()}


def _unknown_fields(form: Any, values: dict[str, Any]) -> None:
    known = {f.key for f in form.fields}
    for key in values:
        if key not in known:
            raise RuleViolation.one("RASIM400E", str(key)[:40], 理由=f"{str(key)[:40]} is not a field of this step")


def check_step1(ctx: Ctx, account: Account, values: dict[str, Any], companion: bool) -> dict[str, Any]:
    from simulator.services.procedure_requests import refuse_until_approved

    refuse_until_approved(ctx, account)   # organisation staff: only once a usage request is approved (003 §3.3)
    return step1_of(account.category, values, companion)


def step1_of(category: str, values: dict[str, Any], companion: bool = False) -> dict[str, Any]:
    """STEP1's checks for a user of `category` (RuleViolation with the system's codes), the choice cleaned;
    nothing but the category of the user is needed, so the template tools ask the same question offline."""
    form = catalog.form("companion_step1" if companion else "application_step1")
    _unknown_fields(form, values)
    if not companion and values.get("procedure") in input_plan.COMPANION_PROCEDURES:
        # not among STEP1's choices, yet a refused choice of its own (FAQ Q1-4): only with a main application
        raise RuleViolation.one(eligibility.NOT_ONLINE, "procedure")
    problems = Problems()
    cleaned = validate_form(form, values, problems)
    problems.raise_if_any()
    if not companion:
        found = eligibility.step1_problems(category, cleaned["procedure"], cleaned["status_of_residence"],
                                           bool(cleaned.get("bureau_contacted")))
        if found:
            raise RuleViolation(found)
    return cleaned


def start(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    """STEP1 「入力」: a new input replaces any other of this user."""
    refuse_during_maintenance(ctx)
    cleaned = check_step1(ctx, account, values, companion=False)
    return _new_input(ctx, account, cleaned["procedure"], cleaned["status_of_residence"], cleaned.get("hsp_activity"),
                      values, None)


def start_companion(ctx: Ctx, account: Account, application_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """「再入国許可・資格外活動許可も同時に申請する」 then STEP1 of S21 (WZBAM203E when the row allows none)."""
    from simulator.services.applications import own_application

    parent = own_application(ctx, account, application_id)
    code = refusal(ctx.ed.applications_edition, "add_companion", rule_row(parent))
    if code:
        raise RuleViolation.one(code)
    cleaned = check_step1(ctx, account, values, companion=True)
    taken = ctx.db.scalars(select(Application.id).where(Application.parent_id == parent.id,
                                                        Application.procedure == cleaned["companion_procedure"])).first()
    if taken is not None:   # one of each kind per main application (rasim)
        raise RuleViolation.one("WZBAM203E")
    return _new_input(ctx, account, cleaned["companion_procedure"], parent.status_of_residence, None, values, parent.id)


def _new_input(ctx: Ctx, account: Account, procedure: str, status: str | None, hsp: str | None,
               step1: dict[str, Any], parent_id: int | None) -> dict[str, Any]:
    for old in ctx.db.scalars(select(ApplicationInput).where(ApplicationInput.account_id == account.id)):
        residence_files.discard_all(ctx, {"input_id": old.id})
        ctx.db.delete(old)
    ctx.db.flush()
    inp = ApplicationInput(account_id=account.id, parent_id=parent_id, procedure=procedure, status_of_residence=status,
                           hsp_activity=hsp, values_json=json.dumps({"step1": step1}, ensure_ascii=False),
                           steps_done=json.dumps(["step1"]), last_activity_at=ctx.now, created_at=ctx.now)
    ctx.db.add(inp)
    ctx.db.flush()
    ctx.audit("application_input.started", f"account:{account.id}", procedure=procedure, status=status)
    return describe(ctx, account, inp)


def current(ctx: Ctx, account: Account, touch: bool = True) -> ApplicationInput:
    """The input in progress; RASIM442E without one, RASIM440E (and erased) after 30 minutes of no screen change."""
    inp = ctx.db.scalars(select(ApplicationInput).where(ApplicationInput.account_id == account.id)).first()
    if inp is None:
        raise RuleViolation.one("RASIM442E")
    if inp.last_activity_at + dt.timedelta(minutes=ctx.ed.application_input_minutes) <= ctx.now:
        residence_files.discard_all(ctx, {"input_id": inp.id})
        ctx.db.delete(inp)
        ctx.audit("application_input.erased", f"account:{account.id}", after_minutes=ctx.ed.application_input_minutes)
        raise ctx.keep(RuleViolation.one("RASIM440E"))
    if touch:
        inp.last_activity_at = ctx.now
    return inp


def show(ctx: Ctx, account: Account) -> dict[str, Any]:
    """A screen of the input is shown (or 戻る pressed): the 30 minutes restart."""
    return describe(ctx, account, current(ctx, account))


def cleaned_steps(ctx: Ctx, account: Account, inp: ApplicationInput, upto: str | None = None) -> dict[str, Any]:
    """Every saved step checked again, merged (the values are kept as typed; this is what they mean)."""
    merged: dict[str, Any] = {}
    values = _values(inp)
    p = plan_of(account, inp)
    for key, form_key in p.steps:
        if key in (input_plan.STEP1, input_plan.STEP3) or key not in values:
            continue
        merged.update(validate_form(catalog.form(form_key, ctx.ed), values[key], Problems()))
        if key == upto:
            break
    return merged


def save_step(ctx: Ctx, account: Account, step: str, values: dict[str, Any]) -> dict[str, Any]:
    """「次へ」/「確認」 on a STEP2 screen: the step's form, then the rules that need more than one field."""
    inp = current(ctx, account)
    p = plan_of(account, inp)
    if step not in p.keys or step in (input_plan.STEP1, input_plan.STEP3):
        raise RuleViolation.one("RASIM404E", "step")
    before = p.before(step)
    if before is not None and before not in _done(inp):
        raise RuleViolation.one("RASIM441E", "step")
    form = catalog.form(p.form_key(step), ctx.ed)
    _unknown_fields(form, values)
    problems = Problems()
    cleaned = validate_form(form, values, problems)
    problems.raise_if_any()
    earlier = cleaned_steps(ctx, account, inp, upto=before)
    warnings = step_rules(ctx, account, inp, step, {**earlier, **cleaned})
    saved = _values(inp)
    saved[step] = values
    inp.values_json = json.dumps(saved, ensure_ascii=False, default=str)
    inp.steps_done = json.dumps(sorted(set(_done(inp)) | {step}, key=p.keys.index))
    return describe(ctx, account, inp, warnings)


def step_rules(ctx: Ctx, account: Account, inp: ApplicationInput, step: str, merged: dict[str, Any]) -> list[str]:
    today = ctx.now.date()
    if step == "step2_1":
        step1 = _values(inp).get("step1", {})
        problem = eligibility.applicant_condition_problem(account.category, inp.procedure,
                                                          merged.get("birth_date_applicant"), today,
                                                          bool(step1.get("applicant_cannot_apply")))
        found = [problem] if problem else []
        if "card_receipt_method" in merged or "coe_receipt_method" in merged:
            found += receipt.receipt_problems(inp.procedure, merged.get(receipt.method_field(inp.procedure)),
                                              merged.get("receiving_office"))
        if found:
            raise RuleViolation(found)
    if step == "step2_1" and inp.parent_id is not None:
        parent = ctx.db.get(Application, inp.parent_id)
        if parent is not None and not same_person(parent, merged):   # the companion is of the main applicant
            raise RuleViolation([Problem("WZBAM112E", f) for f in COMPANION_PERSON_FIELDS])
    if step == "step2_2":
        status = merged.get("current_status")
        if status and not eligibility.is_online_status(status):   # holders of 外交, 短期滞在, … (FAQ Q1-4)
            raise RuleViolation.one(eligibility.NOT_ONLINE, "current_status")
        record = residence_records.for_values(ctx, inp.procedure, merged)
        found = checks.card_face_problems(merged, record and residence_records.facts(record))
        if not found and inp.procedure == "acquisition_of_status" and record is None:
            found = [Problem("WZBAM112E", f) for f in checks.CARD_FACE_FIELDS[:5]]
        if not found:
            found = checks.date_problems(inp.procedure, record and residence_records.facts(record), merged, today)
        if not found and record is not None and inp.parent_id is None and pending_for(ctx, record.id):
            found = [Problem("WZBAM118E")]
        if found:
            raise RuleViolation(found)
    if step == "step2_4":   # the points table's dialog (WZAAS003M0011/0021/0031): a warning, not a refusal
        from simulator.domain.hsp_points import warnings as hsp_warnings

        return hsp_warnings(merged)
    return []


COMPANION_PERSON_FIELDS = ("nationality", "applicant_name", "birth_date_applicant")


def same_person(parent: Application, merged: dict[str, Any]) -> bool:
    main = json.loads(parent.values_json or "{}").get("step2_1", {})
    return all(str(merged.get(k)) == str(main.get(k)) for k in COMPANION_PERSON_FIELDS)


def pending_for(ctx: Ctx, record_id: int, other_than: int | None = None) -> bool:
    """Is an application of this person in progress (in anyone's list)? FAQ Q4-8: one at a time."""
    q = select(Application.id).where(Application.record_id == record_id, Application.parent_id.is_(None),
                                     Application.state.in_(in_progress_states(ctx.ed.applications_edition)))
    if other_than is not None:
        q = q.where(Application.id != other_than)
    return ctx.db.scalars(q.limit(1)).first() is not None


def complete(ctx: Ctx, account: Account, values: dict[str, Any]) -> dict[str, Any]:
    """STEP3 「申請情報入力」 → STEP4: both ticks (WZBAM121E, WZBAM122E), then the application exists in
    入力完了(申請未了); the input is gone (the content can no longer be viewed, FAQ Q4-28)."""
    inp = current(ctx, account)
    p = plan_of(account, inp)
    missing = [k for k in p.keys if k != input_plan.STEP3 and k not in _done(inp)]
    if missing:
        raise RuleViolation.one("RASIM441E", "step")
    form = catalog.form("application_confirm", ctx.ed)
    _unknown_fields(form, values)
    problems = Problems()
    validate_form(form, values, problems)
    problems.raise_if_any()
    merged = cleaned_steps(ctx, account, inp)
    again = _values(inp)
    for step in ("step2_1", "step2_2"):   # a step changed after 修正 is checked with the others again
        step_rules(ctx, account, inp, step, merged)
    record = residence_records.for_values(ctx, inp.procedure, merged)
    app = make_application(ctx, account, inp, merged, record.id if record is not None else None)
    app.values_json = json.dumps(again, ensure_ascii=False, default=str)
    residence_files.hand_over(ctx, {"input_id": inp.id}, app)   # 2026: the photo and PDFs of [申込] (003 §4.2.3)
    ctx.db.delete(inp)
    ctx.db.flush()
    ctx.audit("application.input_completed", f"application:{app.id}", procedure=app.procedure, parent=app.parent_id)
    return row_of(ctx, app)


def make_application(ctx: Ctx, account: Account, inp: ApplicationInput, merged: dict[str, Any],
                     record_id: int | None) -> Application:
    """The application in 入力完了(申請未了) of a completed input (STEP3, or a sound row of a bulk file)."""
    today = ctx.now.date()
    parent = ctx.db.get(Application, inp.parent_id) if inp.parent_id else None
    place = merged.get("residence_pref_city") or merged.get("contact_pref_city")
    bureau = parent.bureau if parent else places.bureau_for(place) if place else "tokyo"
    birth = merged.get("birth_date_applicant")
    app = Application(
        account_id=account.id, parent_id=inp.parent_id, procedure=inp.procedure,
        status_of_residence=inp.status_of_residence, hsp_activity=inp.hsp_activity,
        state=next_state(ctx.ed.applications_edition, None, "input_completed"),
        photo_state="exempt" if parent else receipt.initial_photo_state(inp.procedure, birth, today),
        document_state="none", receipt_method=merged.get(receipt.method_field(inp.procedure)),
        receiving_office=merged.get("receiving_office"), bureau=bureau,
        applicant_name=merged.get("applicant_name", ""),
        applicant_email=merged.get("applicant_email") or (parent.applicant_email if parent else ""),
        applicant_birth_date=birth, residence_card_number=merged.get("residence_card_number_applicant"),
        record_id=record_id, desired_period=merged.get("desired_period"),
        input_completed_at=ctx.now)
    ctx.db.add(app)
    ctx.db.flush()
    return app
