"""JSON API of the access flows of organisation staff in the current system (edition 2026, 003 §2.4, §3.2): the
e-mail-first 利用者登録 (e-mail → the mail's link → check → register) and 利用者IDを忘れた場合. Login, logout, the
lock and the password reset are the shared operations of api.py. Every operation calls the same service as
the screens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from simulator.services import access_2026
from simulator.web.operations import operation
from simulator.web.runtime import run

bp = Blueprint("api_access_2026", __name__, url_prefix="/api/v1")
P = "/api/v1"
S = "string"
LINK = "registration_email_link_valid_hours"   # the operations of the e-mail-first registration (003 §3.2)
STAFF = {"token": S, "staff_category": S, "name_en": S, "birth_date": S, "corporate_number": S,
         "staff_organisation_name": S, "postal_code": S, "staff_organisation_address": S, "staff_phone": S,
         "password": S, "password_confirm": S}


@operation(bp, P, "POST", "/registrations/email", "startStaffRegistration",
           "[メールアドレス入力(利用者登録)] 登録する (003 §3.2, edition 2026): a mail with the link to [利用者登録], "
           "valid 24 hours (RASIM494E in an edition without this registration)", "registration",
           body={"email": S, "email_confirm": S}, required=["email", "email_confirm"], status=202,
           edition_flag=LINK)
def start(body: dict) -> Any:
    return run(access_2026.start_registration, body)


@operation(bp, P, "POST", "/registrations/staff/link", "openStaffRegistration",
           "The mail's link: whether [利用者登録] may be shown (RASIM492E after 24 hours: start again from the "
           "e-mail entry), its e-mail address and the 利用者区分 choices", "registration",
           body={"token": S}, required=["token"], edition_flag=LINK)
def open_link(body: dict) -> Any:
    return run(access_2026.open_registration, body.get("token"))


@operation(bp, P, "POST", "/registrations/staff/check", "checkStaffRegistration",
           "[利用者登録] 確認へ進む: every field checked (password 10–20 characters of the four kinds, phone without "
           "hyphens), nothing stored", "registration", body=STAFF, required=["token"], edition_flag=LINK)
def check(body: dict) -> Any:
    return run(access_2026.check_registration, body.get("token"), body)


@operation(bp, P, "POST", "/registrations/staff", "registerStaff",
           "[利用者登録確認] 登録する: the 利用者ID issued and mailed ([利用者登録完了])", "registration",
           body=STAFF, required=["token"], status=201, edition_flag=LINK)
def register(body: dict) -> Any:
    return run(access_2026.register, body.get("token"), body)


@operation(bp, P, "POST", "/auth-id-reminders", "remindAuthId",
           "[メールアドレス入力(利用者 ID 通知)] 完了する (003 §2.4): the 利用者ID mailed when the e-mail address and 氏名(英字) "
           "match an account; the same answer when they do not", "registration",
           body={"email": S, "name_en": S}, required=["email", "name_en"], status=202,
           edition_flag="auth_id_reminder")
def remind(body: dict) -> Any:
    return run(access_2026.remind_auth_id, body)
