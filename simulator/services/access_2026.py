"""The access of organisation staff in the current system (003 §2.4, §3.2): the e-mail-first 利用者登録 —
メールアドレス → a mail whose link is valid the edition's registration_email_link_valid_hours → [利用者登録]
with 利用者区分, 氏名(英字), the organisation and the password → the 利用者ID in a mail — and 利用者IDを忘れた場合
(the ID mailed when e-mail and 氏名(英字) both match; the same neutral answer whether or not they do).
Which categories register so is catalogue data (catalog/category_editions.csv); an edition without it answers
RASIM494E. Login, the lock and the password reset are the shared services (sessions, password_changes)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from simulator import catalog
from simulator.adapters.db import Account, Link
from simulator.domain.accounts import Status
from simulator.domain.errors import Problems, RuleViolation
from simulator.domain.validators import Invalid, validate
from simulator.services.context import Ctx, token_hash
from simulator.services.passwords import check_new_password
from simulator.services.registration import new_auth_id, start_password_life

PURPOSE = "staff_registration"
PATH = "/registration/staff"
TEXT_FIELDS = ("name_en", "corporate_number", "staff_organisation_name", "postal_code", "staff_organisation_address",
               "staff_phone")


def choices(ctx: Ctx) -> list[dict[str, str]]:
    """利用者区分 of [利用者登録] in the edition: [{"key", "label_ja", "label_en"}]."""
    return [{"key": r["key"], "label_ja": r["choice_ja"], "label_en": r["choice_en"]}
            for r in catalog.online_registration(ctx.ed.name)]


def _offered(ctx: Ctx) -> None:
    if not ctx.ed.registration_email_link_valid_hours or not choices(ctx):
        raise RuleViolation.one("RASIM494E", status=404)


def _field(problems: Problems, body: dict[str, Any], key: str, out: dict[str, Any]) -> None:
    raw = body.get(key)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        problems.add("WZBAM001E", key)
        return
    try:
        out[key] = validate(catalog.field(key), raw)
    except Invalid as bad:
        problems.add(bad.code, key, **bad.params)


def start_registration(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """[メールアドレス入力(利用者登録)] 「登録する >」: the mail with the link to [利用者登録]."""
    _offered(ctx)
    problems, clean = Problems(), {}
    _field(problems, body, "email", clean)
    _field(problems, body, "email_confirm", clean)
    if "email" in clean and "email_confirm" in clean and clean["email"] != clean["email_confirm"]:
        problems.add("WZBAM159E", "email_confirm")
    problems.raise_if_any()
    account = Account(auth_id=None, category=choices(ctx)[0]["key"], status=Status.PENDING_PASSWORD, name="",
                      email=clean["email"], created_at=ctx.now)
    ctx.db.add(account)
    ctx.db.flush()
    hours = ctx.ed.registration_email_link_valid_hours
    url, link = ctx.new_link(PURPOSE, account.id, dt.timedelta(hours=hours), PATH)
    ctx.mail(account.email, "registration_email_link", account.id, url=url, hours=str(hours),
             expires=link.expires_at.strftime("%Y/%m/%d %H:%M"))
    ctx.audit("registration.email_entered", f"account:{account.id}")
    return {"sent_to": account.email, "expires_at": link.expires_at.isoformat()}


def _link(ctx: Ctx, token: Any) -> Link:
    _offered(ctx)
    if not isinstance(token, str) or not token:
        raise RuleViolation.one("WZBAM001E", "token")
    if len(token) > 200:
        raise RuleViolation.one("RASIM400E", "token", 理由="token longer than 200 characters")
    link = ctx.db.scalars(select(Link).where(Link.token_hash == token_hash(token))).first()
    if link is None or link.purpose != PURPOSE or link.used_at is not None:
        raise RuleViolation.one("RASIM410E", "token")
    if link.expires_at <= ctx.now:   # 24 hours gone: back to the e-mail entry (003 §3.2)
        raise RuleViolation.one("RASIM492E", "token", 時間=str(ctx.ed.registration_email_link_valid_hours))
    return link


def open_registration(ctx: Ctx, token: Any) -> dict[str, Any]:
    """The mail's link: [利用者登録] may be shown (its e-mail address and 利用者区分 choices)."""
    link = _link(ctx, token)
    account = ctx.db.get(Account, link.account_id)
    assert account is not None
    return {"email": account.email, "expires_at": link.expires_at.isoformat(), "choices": choices(ctx)}


def check_registration(ctx: Ctx, token: Any, body: dict[str, Any]) -> dict[str, Any]:
    """[確認へ進む]: every field checked, nothing stored; the cleaned values for [利用者登録確認]."""
    _link(ctx, token)
    problems, clean = Problems(), {}
    category = body.get("staff_category")
    if not category:
        problems.add("WZBAM002E", "staff_category")
    elif category not in {c["key"] for c in choices(ctx)}:
        problems.add("RASIM493E", "staff_category")
    for key in ("birth_date", *TEXT_FIELDS):
        _field(problems, body, key, clean)
    if isinstance(clean.get("name_en"), str) and "," in clean["name_en"]:   # 003 §2.4: スペース区切り
        problems.add("WZBAM005E", "name_en", 入力項目名=catalog.field("name_en").label_ja)
    check_new_password(ctx.ed, problems, body.get("password"), body.get("password_confirm"), "password",
                       "password_confirm", "WZBAM160E")
    problems.raise_if_any()
    clean["staff_category"] = category
    clean["birth_date"] = clean["birth_date"].isoformat()
    return clean


def register(ctx: Ctx, token: Any, body: dict[str, Any]) -> dict[str, Any]:
    """[利用者登録確認] [登録する]: the 利用者ID issued, [利用者登録完了] and the mail with the ID."""
    clean = check_registration(ctx, token, body)
    link = _link(ctx, token)
    account = ctx.db.get(Account, link.account_id)
    assert account is not None and account.status == Status.PENDING_PASSWORD
    link.used_at = ctx.now
    account.category = clean["staff_category"]
    account.name = clean["name_en"]
    account.name_en = clean["name_en"]
    account.birth_date = dt.date.fromisoformat(clean["birth_date"])
    account.corporate_number = clean["corporate_number"]
    account.organisation_name = clean["staff_organisation_name"]
    account.postal_code = clean["postal_code"]
    account.address_street = clean["staff_organisation_address"]
    account.phone = clean["staff_phone"]
    account.auth_id = new_auth_id(ctx)
    start_password_life(ctx, account, body["password"])
    account.status = Status.ACTIVE
    ctx.mail(account.email, "registration_complete", account.id, name=account.name, auth_id=account.auth_id)
    ctx.actor = account.auth_id
    ctx.audit("registration.staff_registered", f"account:{account.id}", auth_id=account.auth_id,
              category=account.category)
    return {"auth_id": account.auth_id, "category": account.category, "email": account.email,
            "name_en": account.name_en}


def remind_auth_id(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    """[メールアドレス入力(利用者 ID 通知)] 「完了する >」: the ID by mail to each account whose e-mail address and
    氏名(英字) both match; the same answer otherwise (rasim: it does not tell whether an account exists)."""
    if not ctx.ed.auth_id_reminder:
        raise RuleViolation.one("RASIM494E", status=404)
    problems, clean = Problems(), {}
    _field(problems, body, "email", clean)
    _field(problems, body, "name_en", clean)
    if isinstance(clean.get("name_en"), str) and "," in clean["name_en"]:
        problems.add("WZBAM005E", "name_en", 入力項目名=catalog.field("name_en").label_ja)
    problems.raise_if_any()
    found = ctx.db.scalars(select(Account).where(Account.email == clean["email"], Account.name_en == clean["name_en"],
                                                 Account.auth_id.is_not(None))).all()
    for account in found:
        ctx.mail(account.email, "auth_id_notice", account.id, name=account.name, auth_id=account.auth_id)
    ctx.audit("auth_id.reminder_requested", "auth_id_reminder", matched=len(found))
    return {"sent_to": clean["email"]}
