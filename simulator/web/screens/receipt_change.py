"""受領方法変更申出 on the screens (003 §7.3, an edition whose operation matrix has it): [申込] (a stable entry, the
procedure catalogue's link: /procedures/receipt-method-change/apply) → [申込確認] → [申込完了] with the 整理番号.
The form is catalog/forms/receipt_method_change_request.toml (its rules checked before [申込確認]); 「申込み >」
calls services.receipt_changes.request_change, the API's use case. Errors per 003 §1.6: under the item, no code."""
from __future__ import annotations

from typing import Any

from flask import redirect, request, session, url_for

from simulator import catalog
from simulator.catalog import places
from simulator.domain.applications import operations
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.forms import validate_form
from simulator.services import receipt_changes
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.field_errors import messages_by_item
from simulator.web.screens.ui import edition, edition_field, edition_form, lang, message_page, page, t

FORM = "receipt_method_change_request"
KEPT = "receipt_change_input"      # what [申込] sent, for [申込確認] and 「< 入力へ戻る」
DONE = "receipt_change_done"
NAMED = {"applicant_name": "change_request.applicant_name"}   # the item's name on this screen (003 §1.6)


def offered() -> RuleViolation | None:
    if receipt_changes.OPERATION not in operations(edition().applications_edition):
        return RuleViolation.one("RASIM473E", status=404)
    return None


def _fields() -> list[Any]:
    return list(edition_form(FORM).fields)


def item_label(key: str) -> str:
    if key in NAMED:
        return t(NAMED[key])
    spec = edition_field(key)
    return spec.label_en if lang() == "en" else spec.label_ja


def _messages(refused: RuleViolation) -> dict[str, list[str]]:
    """A required item left empty reads 「<項目名>は入力必須項目です。」 (003 §1.6); others their message's text."""
    return messages_by_item(refused, item_label)


def shown_value(key: str, value: Any) -> str:
    """A value as [申込確認] shows it: the word of a choice, list or office."""
    if not value:
        return ""
    if key == "change_kind":
        return t(f"change_request.kind_{value}")
    if key == "change_receipt_method":
        return catalog.list_label("card_receipt_methods", value, "en" if lang() == "en" else "ja")
    if key == "receiving_office":
        row = next((r for r in catalog.table("bureaus.csv") if r["key"] == value), None)
        return (row["name_en"] if lang() == "en" else row["name_ja"]) if row else str(value)
    return str(value)


def _input_page(values: dict[str, str], errors: dict[str, list[str]], status: int = 200) -> Any:
    bureaus = [(r["key"], r["name_en"] if lang() == "en" else r["name_ja"]) for r in catalog.table("bureaus.csv")]
    methods = [(v, shown_value("change_receipt_method", v)) for v in edition_field("change_receipt_method").choices]
    return page("receipt_change_apply.html", status, values=values, errors=errors, bureaus=bureaus, methods=methods,
                kinds=edition_field("change_kind").choices, prefectures=[p.name for p in places.prefectures()],
                item_label=item_label, required={f.key for f in _fields() if f.required},
                temporary_save_urls=_temporary_save_urls(), temporary_form_id="receipt-change-form")


def _temporary_save_urls() -> dict[str, str] | None:
    """The panel at the bottom of [申込] (003 §7.3 → §8.2; the routes of screens/receipt_change_saves.py)."""
    if not edition().temporary_save:
        return None
    return {"save_url": url_for("screens.receipt_change_temporary_save"),
            "load_url": url_for("screens.receipt_change_temporary_load")}


def posted_values() -> dict[str, str]:
    return {f.key: str(request.form.get(f.key, "")).strip()[:200] for f in _fields()}


@bp.route("/procedures/receipt-method-change/apply", methods=["GET", "POST"])
@guard.from_latest_screen
@guard.refuses_bookmark
def receipt_change_apply() -> Any:
    """[申込]; 「確認へ進む >」 checks the form and shows [申込確認]."""
    refused = offered()
    if refused:
        return message_page(["RASIM473E"], 404)
    guard.as_user(lambda ctx, account: None)   # logged in
    if request.method == "GET":
        kept = session.get(KEPT) if request.args.get("back") else None
        return _input_page(dict(kept or {}), {})
    values = posted_values()
    problems = Problems()
    clean = validate_form(edition_form(FORM), values, problems)
    if not problems and not (clean.get("change_provisional_number") or clean.get("change_receipt_number")):
        problems.add("WZBAM001E", "change_receipt_number", 入力項目名=edition_field("change_receipt_number").label_ja)
    if problems:
        return _input_page(values, _messages(RuleViolation(list(problems.items), 400)), 400)
    session[KEPT] = values
    rows = [(item_label(k), shown_value(k, values.get(k))) for k in
            ("change_kind", "applicant_name", "change_provisional_number", "change_receipt_number",
             "change_receipt_method") ]
    if values.get("receiving_office"):
        rows.append((t("change_request.receiving_office"), shown_value("receiving_office", values["receiving_office"])))
    return page("receipt_change_confirm.html", rows=[(NAMED_ROW.get(label, label), v) for label, v in rows])


NAMED_ROW = {"申請人の氏名(英字)": "申請人の氏名（英字）"}   # [申込確認] writes the brackets full-width (003 §7.3)


@bp.post("/procedures/receipt-method-change/confirm")
@guard.from_latest_screen
def receipt_change_confirm() -> Any:
    """「< 入力へ戻る」 → [申込] with the values; 「申込み >」 → the service → [申込完了] (its refusals: [申込])."""
    if offered():
        return message_page(["RASIM473E"], 404)
    values = session.get(KEPT)
    if not values:
        return redirect(url_for("screens.receipt_change_apply"))
    if request.form.get("action") == "back":
        return redirect(url_for("screens.receipt_change_apply", back=1))
    body = {k: v for k, v in values.items() if v}
    try:
        done = guard.as_user(receipt_changes.request_change, body)
    except RuleViolation as refused:
        return _input_page(dict(values), _messages(refused), refused.status)
    session.pop(KEPT, None)
    session[DONE] = {"reference_number": done["reference_number"], "password": done["password"]}
    return redirect(url_for("screens.receipt_change_done"))


@bp.get("/procedures/receipt-method-change/done")
@guard.refuses_bookmark
def receipt_change_done() -> Any:
    """[申込完了]: 「受領方法変更申出の手続きの申込を受付しました。」, the 整理番号 and the パスワード (shown once)."""
    done = session.pop(DONE, None)
    if not done:
        return redirect(url_for("screens.receipt_change_apply"))
    guard.as_user(lambda ctx, account: None)
    return page("receipt_change_done.html", reference_number=done["reference_number"], password=done.get("password"))
