"""Helpers of the application tests: the person behind an application (a residence record of the
test-support registry), the values of each input step, one whole input STEP1 → STEP4 over the API, a
card holder logged in with a virtual My Number Card, and the files (JPEG, PDF) an application takes."""
from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from tests.support.api import PASSWORD, Api

ENGINEER = "engineer_specialist_humanities_international"
CARD_CLOCK = "2027-01-10T09:00:00"   # a test clock after the virtual cards' certificates begin (real time)
CARD = "AB12345678CD"
PERSON = {"residence_card_number": CARD, "name": "HOUMU MIDDLE TAROU", "nationality": "VNM", "sex": "male",
          "birth_date": "1990-05-06", "address_municipality": "13101", "address_street": "霞が関一丁目１番１号",
          "status_of_residence": ENGINEER, "period_of_stay": "3y", "stay_expires_on": "2024-05-31"}


def person(api: Api, **over: Any) -> dict[str, Any]:
    """Put a residence record (PERSON with `over`) into the registry."""
    body = {k: v for k, v in (PERSON | over).items() if v is not None}
    return api.call("PUT", "/test-support/residence-records", body, expect=200).get_json()


def identity(record: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    """身分事項1 (STEP2-1, form identity) as on the card of `record` (PERSON by default)."""
    r = PERSON | (record or {})
    values = {"nationality": r["nationality"], "applicant_name": ",".join(r["name"].split()),
              "birth_date_applicant": r["birth_date"], "sex_applicant": r["sex"], "marital_status": "no",
              "home_town": "ハノイ市", "residence_pref_city": r["address_municipality"],
              "residence_street": "霞が関一丁目１番１号", "has_relatives": "no", "card_receipt_method": "post",
              "applicant_email": "houmu@example.jp"}
    return drop(values | over)


def identity_coe(**over: Any) -> dict[str, Any]:
    values = {"nationality": "VNM", "applicant_name": "HOUMU,JIROU", "birth_date_applicant": "1995-02-03",
              "sex_applicant": "male", "birth_place": "ハノイ", "marital_status": "no", "home_town": "ハノイ市",
              "contact_pref_city": "13101", "contact_street": "霞が関一丁目１番１号", "has_relatives": "no",
              "coe_receipt_method": "mail", "applicant_email": "jirou@example.jp"}
    return drop(values | over)


def contact(**over: Any) -> dict[str, Any]:
    return drop({"mobile_applicant": "09012345678", "agent_name": "法務太郎", "applicant_consent": True} | over)


def stay(record: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    """在留資格・在留期間 and the card number of 身分事項2 as the record says."""
    r = PERSON | (record or {})
    values = {"current_status": r["status_of_residence"], "current_period": r["period_of_stay"],
              "stay_expires_on": r["stay_expires_on"], "has_residence_card": "yes",
              "residence_card_number_applicant": r["residence_card_number"]}
    return values | contact()


def details_wqc(record: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    """身分事項2 of the 就労資格証明書交付申請."""
    values = stay(record) | {"certified_activity": "システム開発", "work_period_from": "2024-04-01",
                             "use_purpose": "転職先への提出"}
    return drop(values | over)


def details_extension(record: dict[str, Any] | None = None, **over: Any) -> dict[str, Any]:
    values = stay(record) | {"desired_period": "3y", "extension_reason": "引き続き勤務するため", "criminal_record": "no"}
    return drop(values | over)


def details_acquisition(event: str, **over: Any) -> dict[str, Any]:
    values = {"acquisition_reason": "birth", "acquisition_event_date": event, "stay_reason": "両親と暮らすため",
              "desired_period": "1y", "criminal_record": "no"} | contact()
    return drop(values | over)


def details_coe(**over: Any) -> dict[str, Any]:
    values = {"entry_date": "2024-07-01", "port_of_entry": "narita", "stay_length": "3年", "has_companions": "no",
              "visa_place": "ハノイ", "past_entries": "no", "past_coe": "no", "criminal_record": "no",
              "deportation": "no"} | contact()
    return drop(values | over)


def drop(values: dict[str, Any]) -> dict[str, Any]:
    """`None` in an override leaves the field out."""
    return {k: v for k, v in values.items() if v is not None}


CONFIRM = {"confirmed_with_representative": True, "kept_copy": True}


class Flow:
    """One user's input over the API."""

    def __init__(self, api: Api, token: str) -> None:
        self.api, self.token = api, token

    def call(self, method: str, path: str, json: Any = None, **kw: Any) -> Any:
        return self.api.call(method, path, json, token=self.token, **kw)

    def start(self, procedure: str, status: str = ENGINEER, expect: int | None = 201, **step1: Any) -> Any:
        return self.call("POST", "/api/v1/application-input",
                         {"values": {"procedure": procedure, "status_of_residence": status} | step1}, expect=expect)

    def step(self, step: str, values: dict[str, Any], expect: int | None = 200) -> Any:
        return self.call("PUT", f"/api/v1/application-input/steps/{step}", {"values": values}, expect=expect)

    def complete(self, values: dict[str, Any] | None = None, expect: int | None = 201) -> Any:
        return self.call("POST", "/api/v1/application-input/completion",
                         {"values": CONFIRM if values is None else values}, expect=expect)

    def refused(self, r: Any, status: int | None = None) -> list[str]:
        assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True)[:600])
        if status is not None:
            assert r.status_code == status, (r.status_code, r.get_json())
        return [e["code"] for e in r.get_json()["errors"]]

    # whole inputs ---------------------------------------------------------------------------------------
    def wqc(self, record: dict[str, Any] | None = None, **step2: Any) -> dict[str, Any]:
        """A 就労資格証明書交付申請 in 入力完了(申請未了) (no photo, no STEP2-3)."""
        self.start("work_qualification_certificate", (PERSON | (record or {}))["status_of_residence"])
        self.step("step2_1", identity(record))
        self.step("step2_2", details_wqc(record, **step2))
        return self.complete().get_json()

    def acquisition(self, record: dict[str, Any], event: str | None = None, step2_1: dict | None = None,
                    step2_2: dict | None = None) -> dict[str, Any]:
        """A 在留資格取得許可申請 for `record` (a person without card) in 入力完了(申請未了); the event is the
        birth unless `event` says otherwise (then the reason is the loss of Japanese nationality)."""
        self.start("acquisition_of_status", "long_term_resident")
        self.step("step2_1", identity(record, **(step2_1 or {})))
        reason = {"acquisition_reason": "loss_of_nationality"} if event else {}
        self.step("step2_2", details_acquisition(event or record["birth_date"], **(reason | (step2_2 or {}))))
        return self.complete().get_json()

    def photo(self, application_id: int, data: bytes, filename: str = "face.jpg", **kw: Any) -> Any:
        return self.call("PUT", f"/api/v1/applications/{application_id}/photo?filename={filename}", None,
                         data=data, content_type=kw.pop("content_type", "image/jpeg"), **kw)

    def documents(self, application_id: int, data: bytes, filename: str = "documents.pdf", **kw: Any) -> Any:
        return self.call("PUT", f"/api/v1/applications/{application_id}/documents?filename={filename}", None,
                         data=data, content_type=kw.pop("content_type", "application/pdf"), **kw)

    def submit(self, application_id: int, expect: int | None = 200) -> Any:
        return self.call("POST", f"/api/v1/applications/{application_id}/submission", expect=expect)

    def row(self, application_id: int) -> dict[str, Any]:
        return self.call("GET", f"/api/v1/applications/{application_id}", expect=200).get_json()

    def search(self, expect: int | None = 200, **query: Any) -> Any:
        return self.call("GET", "/api/v1/applications", query_string=query, expect=expect)


def newborn(api: Api, born: str, municipality: str = "13101", name: str = "HOUMU HANAKO") -> dict[str, Any]:
    """A child born in Japan: a record without card (an acquisition's applicant)."""
    return person(api, residence_card_number=None, name=name, sex="female", birth_date=born,
                  address_municipality=municipality, status_of_residence=None, period_of_stay=None,
                  stay_expires_on=None)


def without_card(api: Api, name: str = "HOUMU ADULT", born: str = "1990-01-01", municipality: str = "14104",
                 ) -> dict[str, Any]:
    """An adult without a card (who left Japanese nationality): an acquisition that needs a photo."""
    return newborn(api, born, municipality, name)


def lawyer(api: Api, email: str = "lawyer@example.jp") -> str:
    api.put_certificate(valid_until="2030-03-31")
    return api.login(api.register_agent(email=email))


def scrivener(api: Api, email: str = "scrivener@example.jp") -> str:
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    return api.login(api.register_agent(email=email, agent_certificate_number="172015200123", name="行政花子",
                                        birth_date="1985-05-06"))


# --- files -----------------------------------------------------------------------------------------------

def jpeg(width: int = 300, height: int = 400, quality: int = 75) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 160)).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def jpeg_of_size(size: int) -> bytes:
    """A decodable JPEG of exactly `size` bytes (padding in a COM segment before the image data)."""
    base = jpeg(64, 64)
    pad = size - len(base) - 4
    assert 0 <= pad <= 65533, size
    return base[:2] + b"\xff\xfe" + (pad + 2).to_bytes(2, "big") + b"\0" * pad + base[2:]


def pdf(pages: int = 1, encrypt: bool = False, padding: int = 0) -> bytes:
    """A small valid PDF; `encrypt` gives it a user password and print/copy restrictions; `padding`
    adds an uncompressed stream of that many bytes."""
    import pikepdf

    doc = pikepdf.new()
    for _ in range(pages):
        doc.add_blank_page()
    if padding:
        doc.Root.Padding = doc.make_stream(b"0" * padding)
    buf = io.BytesIO()
    if encrypt:
        allow = pikepdf.Permissions(print_lowres=False, print_highres=False, extract=False)
        doc.save(buf, encryption=pikepdf.Encryption(owner="owner", user="", allow=allow),
                 compress_streams=False)
    else:
        doc.save(buf, compress_streams=False)
    return buf.getvalue()


# --- card holders ----------------------------------------------------------------------------------------

def card_holder(app: Any, api: Api, category: str, auth_id: str, card_id: str | None = None,
                holder: Any = None) -> str:
    """An account of a card-holding category (外国人本人, 法定代理人, 親族) linked to a new virtual card,
    logged in over the API with the card and the password: the bearer token. The card's certificates
    start today (real time): the test clock must be set after that."""
    from simulator.adapters.db import Account
    from simulator.adapters.jpki import key_id, load_certificate
    from simulator.domain.accounts import Status
    from simulator.services.passwords import hash_password
    from virtual_card.client import JpkiClient
    from virtual_card.issuing import issue_card
    from virtual_card.store import CardStore
    from virtual_card.testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN

    store = CardStore(app.config["RASIM_CARDS_DIR"])
    card_id = card_id or f"card-{auth_id}"
    issue_card(store, holder or TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id=card_id)
    auth_der, sign_der = store.certificate(card_id, "auth"), store.certificate(card_id, "sign")
    now = dt.datetime.fromisoformat(api.now())
    with app.extensions["rasim.sessions"].begin() as db:
        sign = load_certificate(sign_der)
        db.add(Account(auth_id=auth_id, category=category, status=Status.ACTIVE, name=(holder or TEST_HOLDER).name,
                       sex="male", birth_date=dt.date(1995, 4, 15), address_pref_city="東京都新宿区",
                       address_street="西新宿２－８－１", email=f"{auth_id}@example.jp",
                       card_key_id=key_id(sign), card_auth_key_id=key_id(load_certificate(auth_der)),
                       card_cert_not_after=sign.not_valid_after_utc.replace(tzinfo=None),
                       valid_until=sign.not_valid_after_utc.replace(tzinfo=None), password_hash=hash_password(PASSWORD),
                       password_set_at=now, password_expires_at=now + dt.timedelta(days=365), created_at=now))
    card = JpkiClient.in_process(store.open_card(card_id))
    made = api.call("POST", "/api/v1/card/challenges", {"purpose": "login"}, expect=201).get_json()
    card.verify_pin("auth", TEST_AUTH_PIN)
    signature = card.sign(base64.b64decode(made["challenge"]), "auth")
    body = {"challenge_id": made["challenge_id"], "auth_id": auth_id, "password": PASSWORD,
            "authentication_certificate": base64.b64encode(card.read_certificate("auth")).decode(),
            "signature": base64.b64encode(signature).decode()}
    return api.call("POST", "/api/v1/session/card", body, expect=201).get_json()["token"]


# --- what the database holds -------------------------------------------------------------------------------

def snapshot(app: Any) -> dict[str, list[tuple]]:
    """Every row of every table but the audit trail (refusals may be audited), to compare before and
    after a refusal: nothing stored, nothing changed."""
    from sqlalchemy import select

    from simulator.adapters.db import Base

    out: dict[str, list[tuple]] = {}
    with app.extensions["rasim.sessions"]() as db:
        for name, table in Base.metadata.tables.items():
            if name != "audit_log":
                out[name] = sorted((tuple(map(repr, row)) for row in db.execute(select(table))))
    return out


def rows(app: Any, model: Any, **where: Any) -> list[Any]:
    from sqlalchemy import select

    with app.extensions["rasim.sessions"]() as db:
        return list(db.scalars(select(model).filter_by(**where)))


class Unchanged:
    """`with Unchanged(app): …`: afterwards the database holds exactly what it held (audit trail aside)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __enter__(self) -> Unchanged:
        self.before = snapshot(self.app)
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            after = snapshot(self.app)
            changed = {k for k in after if after[k] != self.before[k]}
            assert not changed, f"a refusal changed {sorted(changed)}"


def refused(r: Any, status: int, code: str, field: str | None = "*") -> list[dict]:
    """The answer is `status` with `code` first (on `field`, unless "*"); its errors."""
    assert r.status_code == status, (r.status_code, r.get_data(as_text=True)[:600])
    found = r.get_json()["errors"]
    assert found[0]["code"] == code, found
    if field != "*":
        assert found[0]["field"] == field, found
    return found
