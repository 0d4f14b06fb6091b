"""外国人本人・その他: registration (利用者情報登録) and login with the My Number Card in the browser
(seed 002 Step1–3; FAQ Q2-7–Q2-12, Q2-18–Q2-20, Q13-3).

The pages talk to the card through the local card bridge (`rasim card bridge`, the stand-in for
the JPKI client software and its Chrome extension) with static/card.js: the bridge reports the
reader, the card and its certificates, verifies the PINs on the card and signs the server's
challenge. The pages here only carry what the card produced to services.cards, which checks
everything (chain, validity, revocation, signatures, one registration per card and category).
Name, sex and date of birth are shown from the signature certificate (Q2-11); the My Number is
never read (Q2-8)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, jsonify, redirect, request, url_for

from simulator import catalog
from simulator.domain.errors import Problem, RuleViolation
from simulator.services import cards
from simulator.web.runtime import run
from simulator.web.screens import guard
from simulator.web.screens.base import bp
from simulator.web.screens.ui import FormErrors, lang, message_line, page, t

CARD_FIELDS = ("challenge_id", "signature_certificate", "signature", "authentication_certificate",
               "authentication_signature")
LOGIN_CARD_FIELDS = tuple(f.key for f in catalog.form("card_login").fields if not f.screen)   # from the card
TYPED_FIELDS = ("address_pref_city", "address_street", "phone", "email", "email_confirm",
                "residence_card_number", "residence_card_valid_until")
FROM_CARD = ("name", "sex", "birth_date")
# problems that mean "read the card again" (the challenge is used up or the card is at fault)
CARD_PROBLEM_FIELDS = {"challenge", "challenge_id", "signature_certificate", "authentication_certificate",
                       "signature", "authentication_signature"}
CARD_PROBLEM_CODES = {"WZBAM255E", "WZBAM157E", "WZBAM263E"}


def bridge_url() -> str:
    """Where the pages find `rasim card bridge`: RASIM_CARD_BRIDGE_URL (a deployment setting)."""
    return current_app.config["RASIM_CARD_BRIDGE_URL"].rstrip("/")


def card_categories() -> list[dict[str, str]]:
    english = lang() == "en"
    return [{"key": c.key, "label": c.label_en if english else c.label_ja,
             "label_ja": c.label_ja, "note": f"card.category_note_{c.key}"}
            for c in catalog.categories() if c.key in cards.CARD_CATEGORIES]


def _lines(*problems: Problem) -> list[str]:
    """The system's own (Japanese) text always; the English line too on English pages."""
    out = [message_line(p, "ja") for p in problems]
    if lang() == "en":
        out += [message_line(p, "en") for p in problems]
    return out


def _card_messages() -> dict[str, Any]:
    """What card.js shows: the lines of RASIM460E/461E/462E, ready-made by the server."""
    def remedy(code: str) -> str:
        return catalog.message(code).remedy_ja

    problems = ("no_bridge", "no_reader", "no_card", "certificate_missing", "certificate_expired", "card_error")
    return {
        "not_ready": _lines(Problem("RASIM460E", None, {})),
        "not_ready_remedy": remedy("RASIM460E"),
        "details": {p: t(f"card.detail_{p}", url=bridge_url()) for p in problems},
        "wrong_pin": _lines(Problem("RASIM461E", None, {})),
        "wrong_pin_remedy": remedy("RASIM461E"),
        "blocked": _lines(Problem("RASIM462E", None, {})),
        "blocked_remedy": remedy("RASIM462E"),
        "tries_left": {k: t(f"card.tries_left_{k}") for k in ("sign", "auth")},
        "pin_format": {k: t(f"card.pin_format_{k}") for k in ("sign", "auth")},
        "checking": t("card.checking"), "ready": t("card.ready"), "reading": t("card.reading"),
        "read_done": t("card.read_done"), "failed": t("card.failed"),
    }


# --- the challenge the card signs (called by card.js) ------------------------------------------------------

@bp.post("/card/challenge")
def card_challenge() -> Any:
    """A fresh server challenge for the card to sign (services.cards.new_challenge)."""
    try:
        made = run(cards.new_challenge, request.form.get("purpose", ""))
    except RuleViolation as refused:
        return jsonify({"lines": _lines(*refused.problems)}), refused.status
    return jsonify({"challenge_id": made["challenge_id"], "challenge": made["challenge"],
                    "expires_at": made["expires_at"]})


# --- registration: category → card → input form → received ---------------------------------------------

@bp.get("/registration/card")
def card_registration() -> Any:
    """From 新規利用者情報登録 「外国人本人・その他」: choose 外国人本人, 法定代理人 or 親族."""
    return page("card_category.html", errors=FormErrors(), categories=card_categories(), chosen="")


@bp.get("/registration/card/read")
def card_registration_read() -> Any:
    category = request.args.get("category", "")
    if category not in cards.CARD_CATEGORIES:
        errors = FormErrors.of(RuleViolation.one("WZBAM001E", "category"))
        return page("card_category.html", 400, errors=errors, categories=card_categories(), chosen="")
    return _read_page(category, FormErrors())


def _read_page(category: str, errors: FormErrors, status: int = 200) -> Any:
    return page("card_read.html", status, errors=errors, category=category,
                category_label=_category_label(category), bridge_url=bridge_url(), messages=_card_messages())


def _category_label(key: str) -> str:
    c = catalog.category(key)
    return c.label_en if lang() == "en" else c.label_ja


@bp.post("/registration/card/form")
@guard.from_latest_screen
def card_registration_form() -> Any:
    """The card was read and signed the challenge (card.js): the 利用者情報入力 form."""
    category = request.form.get("category", "")
    if category not in cards.CARD_CATEGORIES:
        return redirect(url_for("screens.card_registration"))
    proof = {k: request.form.get(k, "") for k in CARD_FIELDS}
    facts = cards.describe_certificate(proof["signature_certificate"])
    if facts is None or not all(proof.values()):
        errors = FormErrors.of(RuleViolation.one("WZBAM255E", "signature_certificate"))
        return _read_page(category, errors, 400)
    values: dict[str, Any] = {k: "" for k in TYPED_FIELDS}
    values.update(facts, agree_terms=False)
    return _form_page(category, proof, values, FormErrors())


def _form_page(category: str, proof: dict[str, str], values: dict[str, Any], errors: FormErrors,
               status: int = 200) -> Any:
    return page("card_registration.html", status, errors=errors, category=category,
                category_label=_category_label(category), proof=proof, values=values,
                birth_date_text=_ymd_text(values.get("birth_date", "")))


def _ymd_text(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%Y/%m/%d")
    except (TypeError, ValueError):
        return iso or ""


@bp.post("/registration/card")
@guard.from_latest_screen
def card_registration_submit() -> Any:
    """「登録」: services.cards.register_with_card decides; the mail with the password link follows."""
    form = request.form
    category = form.get("category", "")
    proof = {k: form.get(k, "") for k in CARD_FIELDS}
    values: dict[str, Any] = {k: form.get(k, "") for k in (*TYPED_FIELDS, *FROM_CARD)}
    values["agree_terms"] = form.get("agree_terms") == "on"
    body: dict[str, Any] = {"category": category, **proof, **values}
    for optional in ("phone", "residence_card_number", "residence_card_valid_until", *FROM_CARD):
        if body[optional] == "":
            body[optional] = None
    try:
        run(cards.register_with_card, body)
    except RuleViolation as refused:
        errors = FormErrors.of(refused)
        if category not in cards.CARD_CATEGORIES:
            return page("card_category.html", refused.status, errors=errors, categories=card_categories(),
                        chosen="")
        if any(p.field in CARD_PROBLEM_FIELDS or p.code in CARD_PROBLEM_CODES for p in refused.problems):
            return _read_page(category, errors, refused.status)   # the card must be read again
        return _form_page(category, proof, values, errors, refused.status)
    return page("card_received.html", email=values["email"], category_label=_category_label(category))


# --- login: card → authentication PIN → 認証ID and password → menu ----------------------------------------

@bp.route("/login/card", methods=["GET", "POST"])
@guard.from_latest_screen
def card_login() -> Any:
    """Login from 「外国人本人・その他」: the card and the 認証ID with its password, both (Q13-3)."""
    def attempt(auth_id: str, password: str) -> dict:
        body = {k: request.form.get(k, "") for k in LOGIN_CARD_FIELDS}
        body.update(auth_id=auth_id, password=password)
        return run(cards.login_with_card, body)

    return guard.login_screen(attempt, "card_login.html", bridge_url=bridge_url(), messages=_card_messages())
