"""申請情報入力, one application at a time (S04–S10; FAQ Q4-20, Q4-27, Q5-11) and the simultaneous input of a
re-entry permit or permission for activity outside status (S21–S25): each page calls the same use case of
services.application_input as the API; the page only turns its widgets into values (screens/forms.py)
and shows the problems the service found (FormErrors). 戻る and 次へ keep the input and restart its 30
minutes; 追加 / 削除 of a repeat group and the 「検索」 of a municipality are answered by the server (a POST
with the button's `action`), so every page works without JavaScript."""
from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, session, url_for

from simulator import catalog
from simulator.catalog import places
from simulator.domain import input_plan
from simulator.domain.errors import RuleViolation
from simulator.services import application_input, input_files
from simulator.web.screens import forms, guard
from simulator.web.screens.base import bp
from simulator.web.screens.forms import procedure_label
from simulator.web.screens.ui import FormErrors, edition_form, lang, page, t

STEP_CODES = {"step1": "STEP1", "step2_1": "STEP2-1", "step2_2": "STEP2-2", "step2_3": "STEP2-3", "step2_4": "STEP2-4",
              "step3": "STEP3", "step4": "STEP4"}
GONE = ("RASIM440E", "RASIM442E")   # the input was erased (30 minutes) or there is none
DONE = "application_done"           # what S10 / S25 show once the input became an application
CONFIRM_LAST = "WZAAS003M0031"      # the last line of D1


# --- helpers ---------------------------------------------------------------------------------------------

def _show() -> dict[str, Any]:
    return guard.as_user(application_input.show)


def step_bar(steps: list[tuple[str, str]], current: str) -> list[dict[str, Any]]:
    """The 処理ステップ of §1.6 #1 from the plan's (step, form) pairs and STEP4, the current one marked. A
    form key may be a label key instead (the bar of STEP1, before the plan is known)."""
    out = []
    for key, form_key in [*steps, ("step4", "application.step4")]:
        title = t(form_key) if "." in form_key else t(edition_form(form_key).title)
        out.append({"label": t("application.step_of", title=title, step=STEP_CODES[key]), "current": key == current})
    return out


def _steps(inp: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["step"], s["form"]) for s in inp["steps"]]


def heading(companion: bool, procedure: str | None = None) -> str:
    if procedure is None:
        return t("application.companion_heading" if companion else "application.heading")
    return t("application.companion_heading_of" if companion else "application.heading_of",
             procedure=procedure_label(procedure))


def _step_url(inp: dict[str, Any], step: str) -> str:
    if step == input_plan.STEP1:
        if inp.get("parent_id"):
            return url_for("screens.companion_step1", application_id=inp["parent_id"], resume=1)
        return url_for("screens.application_step1", resume=1)
    return url_for("screens.application_step", step=step)


def _reachable(inp: dict[str, Any], step: str) -> bool:
    keys = [s["step"] for s in inp["steps"]]
    done = {s["step"] for s in inp["steps"] if s["done"]}
    return step in keys and all(k in done for k in keys[:keys.index(step)])


def _gone_page(violation: RuleViolation) -> Any:
    """The input is gone (erased after 30 minutes, or none): STEP1 again, with the message."""
    return _step1_page({}, FormErrors.of(violation), violation.status)


def _lines(codes: list[str]) -> list[str]:
    """D1's lines as the dialog prints them (labels `application.d1_<code>`; else the message catalogue's)."""
    out = []
    for code in [*codes, *([] if CONFIRM_LAST in codes else [CONFIRM_LAST])]:
        try:
            out.append(t(f"application.d1_{code.lower()}"))
        except KeyError:
            message = catalog.message(code)
            out.append(message.en if lang() == "en" else message.ja)
    return out


# --- S04 STEP1 and S21 STEP1 of a simultaneous application ---------------------------------------------------

def _conditions_asked() -> set[str]:
    """The declarations of STEP1 are asked only of the categories whose procedures carry that condition."""
    category = guard.as_user(lambda ctx, account: account.category)
    numbers = {r["condition_no"] for r in catalog.table("permissions.csv")
               if r["category"] == category and r["allowed"] == "conditional"}
    return {key for key, no in (("bureau_contacted", "1"), ("applicant_cannot_apply", "3")) if no in numbers}


INDIVIDUAL_BAR = [("step1", "application.step1"), ("step2_1", "application.step2_1"), ("step2_2", "application.step2_2"),
                  ("step2_3", "activity.step2_3"), ("step3", "application.step3")]
COMPANION_BAR = [("step1", "application.companion_step1"), ("step2_1", "application.step2_1"),
                 ("step2_2", "application.step2_2"), ("step3", "application.step3")]


def _step1_page(shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    form = edition_form("application_step1")
    skip = [k for k in ("bureau_contacted", "applicant_cannot_apply") if k not in _conditions_asked()]
    return page("application_step.html", status, errors=errors, shown=shown, skip=skip, results={},
                heading=heading(False), bar=step_bar(INDIVIDUAL_BAR, "step1"), step="step1", form=form,
                action_url=url_for("screens.application_step1"), submit_key="application.input", warnings=None)


@bp.route("/applications/input", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def application_step1() -> Any:
    """S04 申請種別及び在留資格選択(STEP1): 「入力」 starts the input (replacing any other), 「戻る」 the menu."""
    form = edition_form("application_step1")
    if request.method == "GET":
        shown: dict[str, str] = {}
        if request.args.get("resume"):
            try:
                inp = _show()
            except RuleViolation as gone:
                return _gone_page(gone)
            if inp["parent_id"]:
                return redirect(_step_url(inp, input_plan.STEP1))
            shown = forms.shown_of(form.screen_fields, inp["values"].get("step1", {}))
        elif request.args.get("procedure"):   # chosen on [手続き説明] → [同意する] (screens/procedures.py)
            shown = forms.shown_of(form.screen_fields, {"procedure": request.args["procedure"]})
        return _step1_page(shown, FormErrors())
    if request.form.get("action") == "back":
        return redirect(url_for("screens.menu"))
    shown, values, _ = forms.read_fields(form.screen_fields, request.form)
    try:
        inp = guard.as_user(application_input.start, values)
    except RuleViolation as refused:
        return _step1_page(shown, FormErrors.of(refused), refused.status)
    return redirect(_step_url(inp, inp["next_step"]))


def _companion_page(application_id: int, shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    form = edition_form("companion_step1")
    return page("application_step.html", status, errors=errors, shown=shown, skip=[],
                results={}, heading=heading(True), bar=step_bar(COMPANION_BAR, "step1"), step="step1", form=form,
                action_url=url_for("screens.companion_step1", application_id=application_id),
                submit_key="application.input", warnings=None)


@bp.route("/applications/<int(max=2147483647):application_id>/companion", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def companion_step1(application_id: int) -> Any:
    """S21 申請種別選択(STEP1) of 「再入国許可・資格外活動許可も同時に申請する」: 「入力」 → S22, 「戻る」 → S16."""
    form = edition_form("companion_step1")
    if request.method == "GET":
        shown: dict[str, str] = {}
        if request.args.get("resume"):
            try:
                inp = _show()
            except RuleViolation as gone:
                return _gone_page(gone)
            shown = forms.shown_of(form.screen_fields, inp["values"].get("step1", {}))
        return _companion_page(application_id, shown, FormErrors())
    if request.form.get("action") == "back":
        return redirect(url_for("screens.application_list"))
    shown, values, _ = forms.read_fields(form.screen_fields, request.form)
    try:
        inp = guard.as_user(application_input.start_companion, application_id, values)
    except RuleViolation as refused:
        return _companion_page(application_id, shown, FormErrors.of(refused), refused.status)
    return redirect(_step_url(inp, inp["next_step"]))


# --- S05–S08, S22, S23: the STEP2 pages ------------------------------------------------------------------------

def _step_page(inp: dict[str, Any], step: str, shown: dict[str, str], errors: FormErrors, status: int = 200,
               results: dict[str, Any] | None = None, dialog: list[str] | None = None) -> Any:
    p = _steps(inp)
    form_key = dict(p)[step]
    form = edition_form(form_key)
    following = [k for k, _ in p][[k for k, _ in p].index(step) + 1]
    return page("application_step.html", status, errors=errors, shown=shown, skip=[], results=results or {},
                heading=heading(bool(inp["parent_id"]), inp["procedure"]), bar=step_bar(p, step),
                step=step, form=form, action_url=url_for("screens.application_step", step=step),
                submit_key="application.confirm" if following == input_plan.STEP3 else "application.next", warnings=dialog,
                procedure=inp["procedure"])


def _search(shown: dict[str, str], name: str) -> dict[str, Any]:
    """The 「検索」 of a municipality: those of the chosen prefecture (all of them without a text), or of every
    prefecture whose name matches the text."""
    pref = shown.get(f"{name}__pref") or None
    text = shown.get(f"{name}__q", "")
    if pref is not None and places.prefecture(pref) is None:
        pref = None
    if pref is None and not text:
        return {name: []}
    return {name: places.search_municipalities(pref, text, limit=300 if pref else 50)}


def _widget_action(action: str, fields: list[Any], shown: dict[str, str]) -> dict[str, Any] | None:
    """追加 / 削除 / 検索 / a municipality chosen: the page again (None: not such a button)."""
    verb, _, rest = action.partition(":")
    groups = {f.key: f for f in fields if f.repeat_max}
    if verb == "add" and rest in groups:
        forms.add_entry(shown, rest, groups[rest].repeat_max)
        return {}
    if verb == "remove":
        name, _, index = rest.partition(":")
        if name in groups and index.isdigit():
            forms.remove_entry(shown, name, int(index))
            return {}
    if verb == "search" and f"{rest}__q" in shown:
        return _search(shown, rest)
    if verb == "pick":
        name, _, code = rest.partition(":")
        if f"{name}__q" in shown:
            shown[name] = code if places.municipality(code) else shown.get(name, "")
            if shown[name]:
                shown[f"{name}__pref"] = shown[name][:2]
            return {}
    return None


@bp.route("/applications/input/<step>", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def application_step(step: str) -> Any:
    """A STEP2 page (身分事項1, 身分事項2, 活動に関する事項, 高度専門職ポイント計算表) or STEP3; GET shows what
    was saved (and restarts the 30 minutes), POST 次へ / 確認 saves it through the service."""
    if step == input_plan.STEP3:
        return confirm_step()
    try:
        inp = _show()
    except RuleViolation as gone:
        return _gone_page(gone)
    if step not in {s["step"] for s in inp["steps"]} or step == input_plan.STEP1:
        abort(404)
    if not _reachable(inp, step):
        return redirect(_step_url(inp, inp["next_step"]))
    form = edition_form(dict(_steps(inp))[step])
    fields = list(form.screen_fields)
    if request.method == "GET":
        return _step_page(inp, step, forms.shown_of(fields, inp["values"].get(step, {})), FormErrors())
    action = request.form.get("action", "next")
    keys = [s["step"] for s in inp["steps"]]
    if action == "back":
        return redirect(_step_url(inp, keys[keys.index(step) - 1]))
    if action in ("continue", "stay"):   # D1: 確認 → STEP3, 取消 → stay on the points table
        if action == "continue" and _reachable(inp, input_plan.STEP3):
            return redirect(_step_url(inp, input_plan.STEP3))
        return _step_page(inp, step, forms.shown_of(fields, inp["values"].get(step, {})), FormErrors())
    shown, values, renamed = forms.read_fields(fields, request.form)
    results = _widget_action(action, fields, shown)
    if results is not None:
        return _step_page(inp, step, shown, FormErrors(), results=results)
    try:
        saved = guard.as_user(application_input.save_step, step, values)
    except RuleViolation as refused:
        if any(p.code in GONE for p in refused.problems):
            return _gone_page(refused)
        return _step_page(inp, step, shown, FormErrors.of(refused, renamed), refused.status)
    if saved["warnings"]:
        return _step_page(saved, step, shown, FormErrors(), dialog=_lines(saved["warnings"]))
    return redirect(_step_url(saved, keys[keys.index(step) + 1]))


# --- S09 / S24 STEP3, S10 / S25 STEP4 -----------------------------------------------------------------------

def _blocks(inp: dict[str, Any]) -> list[dict[str, Any]]:
    """Every step's values, read-only, block by block (with the 修正 button of each)."""
    out = []
    for key, form_key in _steps(inp):
        if key == input_plan.STEP3:
            continue
        form = edition_form(form_key)
        values = inp["values"].get(key, {})
        rows: list[dict[str, Any]] = []
        for f in form.screen_fields:
            value = values.get(f.key)
            if f.repeat_max:
                for i, item in enumerate(value if isinstance(value, list) else []):
                    rows.append({"label": t("application.entry", label=forms.field_text(f), n=i + 1), "group": True})
                    rows += [{"label": forms.field_text(p), "value": forms.value_text(p, item.get(p.key))}
                             for p in f.parts if p.screen]
                continue
            if (f.widget or forms.widget_of(f)) == "check" and not value:
                continue
            rows.append({"label": forms.field_text(f), "value": forms.value_text(f, value)})
        title = t(form.title) if form.title else ""
        out.append({"step": key, "title": t("application.block_title", title=title, step=STEP_CODES[key]), "rows": rows})
    return out


def _confirm_page(inp: dict[str, Any], shown: dict[str, str], errors: FormErrors, status: int = 200) -> Any:
    return page("application_confirm.html", status, errors=errors, shown=shown, blocks=_blocks(inp),
                heading=heading(bool(inp["parent_id"]), inp["procedure"]), bar=step_bar(_steps(inp), input_plan.STEP3),
                form=edition_form("application_confirm"), procedure=inp["procedure"])


def confirm_step() -> Any:
    """S09 入力情報確認(STEP3): 修正 back to a block's step; both ticks, then 「申請情報入力」 → STEP4."""
    try:
        inp = _show()
    except RuleViolation as gone:
        return _gone_page(gone)
    if not _reachable(inp, input_plan.STEP3):
        return redirect(_step_url(inp, inp["next_step"]))
    form = edition_form("application_confirm")
    if request.method == "GET":
        return _confirm_page(inp, {}, FormErrors())
    action = request.form.get("action", "complete")
    if action.startswith("edit:") and action[5:] in {s["step"] for s in inp["steps"]}:
        return redirect(_step_url(inp, action[5:]))
    shown, values, _ = forms.read_fields(form.screen_fields, request.form)
    use_case = input_files.apply if action == "apply" else application_input.complete   # 2026 「申込む」 files it
    try:
        row = guard.as_user(use_case, values)
    except RuleViolation as refused:
        if any(p.code in GONE for p in refused.problems):
            return _gone_page(refused)
        return _confirm_page(inp, shown, FormErrors.of(refused), refused.status)
    session[DONE] = {"steps": _steps(inp), "companion": bool(inp["parent_id"]), "procedure": inp["procedure"],
                     "id": row["id"], "reference_number": row.get("reference_number"), "password": row.get("password")}
    return redirect(url_for("screens.application_done"))


@bp.get("/applications/input/complete")
@guard.refuses_bookmark
def application_done() -> Any:
    """S10 / S25 申請情報入力完了(STEP4); 「申請情報一覧へ」 opens D2 (?notice=1), whose OK leads to S16."""
    guard.as_user(lambda ctx, account: None)
    done = session.get(DONE) or {"steps": [("step1", "application_step1"), ("step3", "application_confirm")],
                                 "companion": False, "procedure": None}
    if done.get("reference_number"):   # filed with a 整理番号 (2026 [申込完了]); the パスワード shown once (003 §4.2.4)
        session[DONE] = done | {"password": None}
        return page("application_filed.html", done=done, password=done.get("password"))
    return page("application_done.html", heading=heading(done["companion"], done["procedure"]),
                bar=step_bar([tuple(s) for s in done["steps"]], "step4"), companion=done["companion"],
                notice=bool(request.args.get("notice")) and not done["companion"])
