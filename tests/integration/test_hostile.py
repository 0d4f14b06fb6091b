"""Every JSON operation of the registry walked with hostile input.

Whatever arrives — malformed JSON, the wrong content type, arrays, wrong types, control
characters, lone surrogates, NaN, huge numbers and strings, unknown fields, oversized bodies,
bad path and query parameters, missing or garbage Bearer tokens — the answer is never a 5xx,
always a JSON body with the error shape and a catalogue code, and a refusal stores nothing.
"""
from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from simulator import catalog
from simulator.adapters.db import Account, Base
from simulator.adapters.migrate import upgrade
from simulator.web import api as _api_module  # noqa: F401 - importing the blueprints fills the registry
from simulator.web import api_applications as _api_applications_module  # noqa: F401
from simulator.web import test_support as _test_support_module  # noqa: F401
from simulator.web import test_support_applications as _test_support_applications_module  # noqa: F401
from simulator.web import api_decisions as _api_decisions_module  # noqa: F401
from simulator.web import api_procedures as _api_procedures_module  # noqa: F401
from simulator.web import api_input_reuse as _api_input_reuse_module  # noqa: F401
from simulator.web import test_support_bureau as _test_support_bureau_module  # noqa: F401
from simulator.web import api_procedure_requests as _api_procedure_requests_module  # noqa: F401
from simulator.web import api_access_2026 as _api_access_2026_module  # noqa: F401
from simulator.web.app import create_app
from simulator.web.operations import REGISTRY, Operation
from tests.support.api import PASSWORD, Api
from tests.support.application_flow import CONFIRM, ENGINEER, PERSON, Flow, identity, jpeg, pdf, person, without_card

SETTINGS = settings(max_examples=15, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SPECIAL_STRINGS = [
    "", " ", "\u3000", "\x00", "a\x00b", "\x07\x1b[31m", "\r\n", "\t", "\u202e\u200b\ufeff",
    "'; DROP TABLE accounts; --", "\" OR 1=1 --", "1' OR '1'='1", "<script>alert(1)</script>",
    "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd", "%00", "%s%n", "\\", "NaN",
    "𠮷野家", "😀" * 50, "\ud800", "a\udc80b", "\udfff\ud800", "ｱｲｳ", "Ω≈ç√",
    "x" * 100_000, "山" * 5_000, "1" * 400, "-1", "0", "99999999999999999999999", "2024-02-30",
    "true", "null", "[]", "{}",
]
FIXED_VALUES: list[Any] = [None, True, False, 0, -1, 2**31, 2**63, 2**64, 10**30, -(10**30), 1.5, float("nan"),
                           float("inf"), -float("inf"), [], {}, [1], ["a"], {"a": 1}, [[[]]], *SPECIAL_STRINGS]
SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, -1, 2**31, 2**63, 2**64, 10**30, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -0.0, 1e-320]),
    st.sampled_from(SPECIAL_STRINGS),
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Co", "So"]), max_size=20),
)
HOSTILE = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=4),
    st.dictionaries(st.text(max_size=5), SCALARS, max_size=3),
    st.recursive(SCALARS, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
                 max_leaves=10),
)


# --- a module-wide app with some state in it ------------------------------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory, database_server):  # noqa: ANN001, ANN201
    tmp = tmp_path_factory.mktemp("hostile")
    if database_server is None:
        url = f"sqlite:///{tmp}/rasim.sqlite3"
    else:
        from tests.support.postgres import create_database

        url = create_database(database_server, f"h_{uuid.uuid4().hex[:12]}")
    upgrade(url)
    app = create_app({"RASIM_DATABASE_URL": url, "RASIM_VAR_DIR": str(tmp / "var"), "SECRET_KEY": "test",
                      "TESTING": True})
    api = Api(app.test_client())
    api.set_clock("2024-04-01T09:00:00")
    api.put_certificate(valid_until="2030-03-31")
    api.put_certificate(number="172015200123", kind="scrivener", name="行政花子", birth_date="1985-05-06",
                        valid_until="2030-03-31")
    me = api.register_agent(email="me@example.jp")
    victim = api.register_agent(email="victim@example.jp", agent_certificate_number="172015200123",
                                name="行政花子", birth_date="1985-05-06")
    staff, org = api.staff(email="staff@example.jp")
    pending = api.file_usage_request(email="pending@example.jp", organisation_id=org)
    # an application of mine in 入力完了(申請未了) that needs a photo, and the victim's one
    person(api)
    mine = Flow(api, api.login(me)).acquisition(without_card(api), "2024-03-20")
    theirs = Flow(api, api.login(victim)).acquisition(without_card(api, name="VICTIM ADULT"), "2024-03-20")
    yield {"app": app, "api": api, "me": me, "victim": victim, "staff": staff, "org": org,
           "request_id": pending["id"], "application_id": mine["id"], "victims_application_id": theirs["id"]}
    app.extensions["rasim.engine"].dispose()


def valid_bodies(w: dict) -> dict[str, dict[str, Any]]:
    """A plausible body per operation, so that a hostile value in one field reaches the use case."""
    return {
        "registerAgent": {"agent_certificate_number": "132010700050", "name": "法務太郎", "birth_date": "1980-01-02",
                          "address_pref_city": "東京都千代田区", "address_street": "霞が関１－１－１",
                          "phone": "0312345678", "email": "x@example.jp", "email_confirm": "x@example.jp",
                          "agree_terms": True},
        "login": {"auth_id": w["victim"], "password": "Wrong123!"},
        "changePassword": {"current_password": PASSWORD, "new_password": "Zz12345!x",
                           "new_password_confirm": "Zz12345!x"},
        "changeExpiredPassword": {"auth_id": w["victim"], "current_password": "Wrong123!",
                                  "new_password": "Zz12345!x", "new_password_confirm": "Zz12345!x"},
        "requestPasswordReset": {"auth_id": w["victim"], "email": "victim@example.jp"},
        "resetPassword": {"token": "x" * 32, "password": "Zz12345!x", "password_confirm": "Zz12345!x"},
        "setInitialPassword": {"token": "x" * 32, "password": "Zz12345!x", "password_confirm": "Zz12345!x"},
        "changeUserInformation": {"new_phone": "0311112222"},
        "fileUsageRequest": {"name": "所属花子", "email": "h@example.jp", "organisation_id": w["org"]},
        "putAgentCertificate": {"number": "132010700050"},
        "setClock": {"now": "2024-04-01T09:00:00"},
        "advanceClock": {"seconds": 1},
        "decideUsageRequest": {"approve": False},
        "decidePeriodicReport": {"approve": False},
        "setAccountState": {"action": "suspend"},
        "setApplicationsInProgress": {"count": 0},
        "startApplicationInput": {"values": {"procedure": "work_qualification_certificate",
                                             "status_of_residence": ENGINEER}},
        "saveApplicationInputStep": {"values": identity()},
        "completeApplicationInput": {"values": CONFIRM},
        "setReceiptMethod": {"card_receipt_method": "post"},
        "startCompanionInput": {"values": {"companion_procedure": "re_entry_permit"}},
        "putResidenceRecord": dict(PERSON),
        "setReceiptNumberingFault": {"count": 0},
    }


UPLOADS = {"attachPhoto": (jpeg(), "image/jpeg", "face.jpg"), "attachDocuments": (pdf(), "application/pdf", "a.pdf")}
UPLOADS["attachProcedureRequestFile"] = (pdf(), "application/pdf", "a.pdf")   # edition 2026: refused here (2024)
UPLOADS["attachApplicationInputPhoto"] = UPLOADS["attachPhoto"]   # edition 2026 (003 §4.2.2): refused here (2024)
UPLOADS["attachApplicationInputDocument"] = UPLOADS["attachDocuments"]   # 003 §4.2.3


def payload(op: Operation, w: dict) -> tuple[Any, str | None]:
    """A plausible body and its media type: the file of an upload, else the JSON body (None: no body)."""
    if op.upload:
        data, ctype, _ = UPLOADS[op.operation_id]
        return data, ctype
    if op.body is not None:
        return dumps(valid_bodies(w).get(op.operation_id, {})), "application/json"
    return None, None


def path_for(op: Operation, w: dict, **override: str) -> str:
    values = {"request_id": str(w["request_id"]), "organisation_id": str(w["org"]), "report_id": "1",
              "auth_id": w["victim"], "code": "WZBAM001E", "application_id": str(w["application_id"]),
              "step": "step2_1", "form_key": "identity", "number": PERSON["residence_card_number"]} | override

    def sub(m: re.Match) -> str:
        return values.get(m.group(1), "1")

    return op.prefix + re.sub(r"<(?:\w+:)?(\w+)>", sub, op.path)


def row_counts(app) -> dict[str, int]:  # noqa: ANN001
    """Rows per table (the audit trail aside: refusals may be audited), in one query."""
    names = [n for n in Base.metadata.tables if n != "audit_log"]
    query = select(*[select(func.count()).select_from(Base.metadata.tables[n]).scalar_subquery().label(n)
                     for n in names])
    with app.extensions["rasim.sessions"]() as db:
        return dict(zip(names, db.execute(query).one(), strict=True))


def assert_well_formed(r, what: Any) -> None:  # noqa: ANN001
    assert r.status_code < 500 or (r.status_code == 503 and "RASIM503E" in r.get_data(as_text=True)), \
        (what, r.status_code, r.get_data(as_text=True)[:600])
    assert r.mimetype == "application/json", (what, r.status_code, r.mimetype, r.get_data(as_text=True)[:300])
    body = r.get_json()
    assert isinstance(body, dict), (what, body)
    if r.status_code >= 400:
        errors = body.get("errors")
        assert isinstance(errors, list) and errors, (what, body)
        for e in errors:
            assert set(e) >= {"code", "message", "message_en", "field"}, (what, e)
            msg = catalog.message(e["code"])   # raises for a code outside the catalogue
            assert e["message"] and "【" not in e["message"].replace("【在留申請オンラインシステム】", ""), (what, e)
            assert msg.ja


class Walker:
    def __init__(self, w: dict) -> None:
        self.w = w
        self.app = w["app"]
        self.client = self.app.test_client()
        self.api = Api(self.client)

    def reset_world(self) -> None:
        self.api.set_clock("2024-04-01T09:00:00")
        self.api.call("POST", "/test-support/maintenance", {"active": False}, expect=200)

    def fresh_token(self) -> str:
        """Log in again; wrong current passwords of the walk may have locked the account (the login
        rule counts them), so the lock is lifted in the database first (test plumbing)."""
        self.reset_world()
        with self.app.extensions["rasim.sessions"].begin() as db:
            db.execute(update(Account).where(Account.auth_id == self.w["me"])
                       .values(failed_logins=0, locked_until=None))
        return self.api.login(self.w["me"])

    def send(self, op: Operation, *, path: str | None = None, data: bytes | str | None = None,
             content_type: str | None = "application/json", token: str | None = None,
             headers: dict | None = None, query: dict | None = None, what: Any = None) -> Any:
        before = row_counts(self.app)
        h = dict(headers or {})
        if token is not None:
            h["Authorization"] = f"Bearer {token}"
        kw: dict[str, Any] = {"headers": h, "query_string": query}
        if data is not None:
            kw["data"] = data
            if content_type:
                kw["content_type"] = content_type
        r = self.client.open(path or path_for(op, self.w), method=op.method, **kw)
        assert_well_formed(r, (op.operation_id, what))
        if r.status_code >= 400:
            after = row_counts(self.app)
            if r.get_json()["errors"][0]["code"] == "WZBAM153E":   # the lock is kept, with its unlock event
                after["scheduled_events"] = before["scheduled_events"]
            assert after == before, (op.operation_id, what, r.get_json())
        return r


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)   # lone surrogates travel as \\udXXX escapes, NaN as NaN


OPS = [pytest.param(op, id=op.operation_id) for op in REGISTRY]
BODY_OPS = [pytest.param(op, id=op.operation_id) for op in REGISTRY if op.body is not None]
FIELDS = [pytest.param(op, f, id=f"{op.operation_id}.{f}") for op in REGISTRY for f in (op.body or {})]


def test_the_registry_is_filled():
    ids = {op.operation_id for op in REGISTRY}
    assert {"login", "logout", "getClock", "advanceClock", "listMails", "registerAgent"} <= ids
    assert len(ids) == len(REGISTRY), "operationIds are unique"
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9]*", i) for i in ids)


@pytest.mark.parametrize("op", BODY_OPS)
def test_malformed_bodies(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token() if op.auth else None
    cases: list[tuple[Any, str | None]] = [
        ("{bad", "application/json"), ("{", "application/json"), ('{"a":', "application/json"),
        (b"\xff\xfe\x00", "application/json"), ('{"a": 1}' + "x", "application/json"),
        ("[]", "application/json"), ("[{}]", "application/json"), ("null", "application/json"),
        ('"text"', "application/json"), ("1", "application/json"), ("true", "application/json"),
        ("[" * 100_000 + "]" * 100_000, "application/json"), ('{"a": ' * 50_000 + "1" + "}" * 50_000,
                                                               "application/json"),
        *[("[" * n + "]" * n, "application/json") for n in (500, 900, 990, 1100)],
        *[('{"a":' * n + "1" + "}" * n, "application/json") for n in (500, 900, 990, 1100)],
        ('{"x": NaN}', "application/json"), ('{"x": Infinity}', "application/json"),
        ('{"\\ud800": 1}', "application/json"), ('{"__proto__": {}}', "application/json"),
        ("{}", "text/plain"), ('{"a":1}', "application/x-www-form-urlencoded"), ("a=1&b=2", None),
        ("<xml/>", "application/xml"), ('{"a":1}', "multipart/form-data; boundary=x"),
    ]
    for data, ctype in cases:
        r = walker.send(op, data=data, content_type=ctype, token=token, what=(data[:30], ctype))
        assert r.status_code >= 400, (data[:30], ctype)


@pytest.mark.parametrize("op", BODY_OPS)
def test_unknown_fields_are_refused(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token() if op.auth else None
    base = valid_bodies(world).get(op.operation_id, {})
    for extra in ({"unexpected": 1}, {"is_admin": True}, {"": ""}, {"x" * 10_000: 1}, {"\ud800": "a"}):
        r = walker.send(op, data=dumps(base | extra), token=token, what=extra)
        assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "RASIM400E"


@pytest.mark.parametrize("op", BODY_OPS)
def test_oversized_bodies(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token() if op.auth else None
    limit = world["app"].config["RASIM_MAX_REQUEST_BYTES"]
    first = next(iter(op.body or {"x": "string"}))
    for size in (limit + 1, limit * 2 + 10, limit * 5):
        data = dumps({first: "a" * size})
        r = walker.send(op, data=data, token=token, what=size)
        assert r.status_code == 413 and r.get_json()["errors"][0]["code"] == "RASIM413E"


@pytest.mark.parametrize("op, field", FIELDS)
def test_wrong_values_for_every_field(world, op: Operation, field: str):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token() if op.auth else None
    base = valid_bodies(world).get(op.operation_id, {})

    @SETTINGS
    @given(value=HOSTILE, with_base=st.booleans())
    def walk(value: Any, with_base: bool) -> None:
        body = (dict(base) if with_base else {}) | {field: value}
        r = walker.send(op, data=dumps(body), token=current[0], what=(field, repr(value)[:80]))
        if op.operation_id in ("setClock", "advanceClock", "setMaintenance"):
            walker.reset_world()
        elif op.operation_id == "setAccountState":
            walker.api.call("POST", f"/test-support/accounts/{world['victim']}/state", {"action": "resume"})
        elif op.auth and r.status_code in (401, 403):
            current[0] = walker.fresh_token()

    current = [token]
    for i, value in enumerate(FIXED_VALUES):   # every one of these, every time; Hypothesis adds random ones
        walk.hypothesis.inner_test(value, bool(i % 2))
    walk()


@pytest.mark.parametrize("op", OPS)
def test_bad_query_parameters(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token() if op.auth else None
    data, ctype = payload(op, world)
    queries: list[Any] = [{"unknown": "1"}, "%ED%A0%80=x", "%00=1", {"a" * 5000: "b"}]
    queries += [{k: bad} for k in op.query for bad in ("x", "-1", "1" * 40, "\x00", "", "1.5", "０")]
    for q in queries:
        r = walker.send(op, data=data, content_type=ctype, token=token, query=q, what=q)
        if not isinstance(q, dict) or "unknown" in q or not op.query:
            assert r.status_code == 400, q


@pytest.mark.parametrize("op", [p for p in OPS if "<" in p.values[0].path])
def test_bad_path_parameters(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    data, ctype = payload(op, world)
    token = walker.fresh_token() if op.auth else None   # past the login: the use case looks the id up
    for bad in ("0", "-1", "abc", "99999999999999999999999999", "2147483648", "9223372036854775808",
                "%00", "%ED%A0%80", "%FF", "'%20OR%201=1", "x" * 3000, "%E3%81%82", "..%2F..%2Fetc"):
        names = re.findall(r"<(?:\w+:)?(\w+)>", op.path)
        path = path_for(op, world, **{n: bad for n in names})
        walker.send(op, path=path, data=data, content_type=ctype, token=token, what=bad)


@pytest.mark.parametrize("op", [p for p in OPS if p.values[0].auth])
def test_missing_or_garbage_bearer_tokens(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    data, ctype = payload(op, world)
    headers = [{}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Bearer "},
               {"Authorization": "Bearer x"}, {"Authorization": "Basic dXNlcjpwYXNz"},
               {"Authorization": "Bearer " + "A" * 10_000}, {"Authorization": "Bearer \x00"},
               {"Authorization": "Bearer ' OR 1=1 --"}, {"Authorization": "bearer " + "x" * 43},
               {"Authorization": "Bearer \u00e9\u00e8"}, {"Authorization": "Bearer a b c"}]
    for h in headers:
        r = walker.send(op, data=data, content_type=ctype, headers=h, what=h)
        assert r.status_code == 401 and r.get_json()["errors"][0]["code"] == "RASIM401E", (h, r.get_json())


UPLOAD_OPS = [pytest.param(op, id=op.operation_id) for op in REGISTRY   # the 2024 application's files
              if op.upload and op.operation_id in ("attachPhoto", "attachDocuments")]


def empty_slot(w: dict) -> None:
    """My application without photo and documents again (test plumbing: documents are attached once),
    so that every upload reaches the file checks."""
    from simulator.adapters.db_applications import Application

    with w["app"].extensions["rasim.sessions"].begin() as db:
        db.execute(update(Application).where(Application.id == w["application_id"])
                   .values(photo_state="none", document_state="none"))


def stored_document(w: dict) -> Any:
    from simulator.adapters.db_applications import Application, StoredFile

    with w["app"].extensions["rasim.sessions"]() as db:
        app = db.get(Application, w["application_id"])
        return db.get(StoredFile, app.document_file_id)
HOSTILE_NAMES = ["face.jpg", "a.pdf", "", " ", "x" * 5000 + ".jpg", "../../etc/passwd.pdf", "..\\..\\boot.ini",
                 "/abs/a.pdf", "a.jpg\u202egpj.exe", "𠮷.pdf", "😀.jpeg", "a.pdf\x00.exe", "a.pdf%00", "CON.pdf",
                 "a.JPG", "a.PDF", ".pdf", "a.jpeg.", "<script>.pdf", "filename=%ED%A0%80.jpg", "filename=%FF%FE.pdf",
                 "filename=a.pdf&filename=b.jpg"]   # the last three: raw query strings
HOSTILE_FILES = [b"", b"\x00", b"\xff\xd8", b"\xff\xd8\xff", b"%PDF-", b"%PDF-1.7\n%%EOF", b"GIF89a", b"PK\x03\x04",
                 b"\xff" * 5000, bytes(range(256)) * 10, b"{}", b'{"values": {}}', jpeg()[:100], pdf()[:100],
                 b"%PDF-1.4\n" + b"1 0 obj <<" * 2000]


@pytest.mark.parametrize("op", UPLOAD_OPS)
def test_upload_bodies_and_file_names(world, op: Operation):  # noqa: ANN001
    """Raw-body uploads: whatever the bytes, the file name and the media type, a coded answer, never a 500;
    a refusal stores nothing (a valid file is accepted: 200)."""
    walker = Walker(world)
    token = walker.fresh_token()
    valid, ctype, name = UPLOADS[op.operation_id]
    for data in HOSTILE_FILES:
        for t in (ctype, "application/octet-stream"):
            empty_slot(world)
            r = walker.send(op, data=data, content_type=t, token=token, query={"filename": name}, what=data[:20])
            if op.operation_id == "attachPhoto" or not data.startswith(b"%PDF-"):
                assert r.status_code >= 400, data[:20]
            else:   # a broken PDF is accepted without a word and flagged for the bureau (FAQ Q4-2)
                assert r.status_code == 200 and stored_document(world).error_file, data[:20]
    for filename in HOSTILE_NAMES:
        empty_slot(world)
        query = filename if filename.startswith("filename=") else {"filename": filename}
        walker.send(op, data=valid, content_type=ctype, token=token, query=query, what=filename)
    for t in ("application/json", "text/plain", "multipart/form-data; boundary=x", "image/png", "", None,
              "application/x-www-form-urlencoded"):
        r = walker.send(op, data=valid, content_type=t, token=token, query={"filename": name}, what=t)
        assert r.status_code == 415 and r.get_json()["errors"][0]["code"] == "RASIM416E", t

    @SETTINGS
    @given(data=st.binary(max_size=3000), filename=st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
    def walk(data: bytes, filename: str) -> None:
        empty_slot(world)
        walker.send(op, data=data, content_type=ctype, token=token, query={"filename": filename},
                    what=(data[:20], filename))

    walk()


@pytest.mark.parametrize("op", UPLOAD_OPS)
def test_uploads_declaring_a_huge_length_are_refused_unread(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token()
    valid, ctype, name = UPLOADS[op.operation_id]
    code = {"attachPhoto": "WZBAM147E", "attachDocuments": "WZBAM184E"}[op.operation_id]
    for declared in (51_201, 10 * 1024 * 1024 + 1, 2**30, 2**40):
        if op.operation_id == "attachDocuments" and declared < 10 * 1024 * 1024:
            continue
        empty_slot(world)
        before = row_counts(walker.app)
        r = walker.client.open(path_for(op, world), method=op.method, data=valid, content_type=ctype,
                               query_string={"filename": name}, headers={"Authorization": f"Bearer {token}"},
                               environ_overrides={"CONTENT_LENGTH": str(declared)})
        assert_well_formed(r, declared)
        assert r.status_code == 413 and r.get_json()["errors"][0]["code"] == code, (declared, r.get_json())
        assert row_counts(walker.app) == before


APPLICATION_OPS = [pytest.param(op, id=op.operation_id) for op in REGISTRY   # a user's (the bureau sees every one)
                   if "<int:application_id>" in op.path and op.prefix != "/test-support"]


@pytest.mark.parametrize("op", APPLICATION_OPS)
def test_another_users_application_is_not_found(world, op: Operation):  # noqa: ANN001
    walker = Walker(world)
    token = walker.fresh_token()
    data, ctype = payload(op, world)
    r = walker.send(op, path=path_for(op, world, application_id=str(world["victims_application_id"])), data=data,
                    content_type=ctype, token=token, query={"filename": UPLOADS[op.operation_id][2]} if op.upload else None)
    assert r.status_code == 404 and r.get_json()["errors"][0]["code"] == "RASIM404E", r.get_json()


def test_unknown_urls_and_methods(world):  # noqa: ANN001
    client = world["app"].test_client()
    for path in ("/api/v1/nope", "/api/v2/session", "/api/v1/", "/api/", "/api/v1/me/../admin",
                 "/test-support/nope", "/api/v1/messages/", "/api/v1/%00"):
        r = client.get(path)
        assert r.status_code == 404 and r.mimetype == "application/json", path
        assert r.get_json()["errors"][0]["code"] == "RASIM404E"
    for method, path in (("GET", "/api/v1/registrations/agent"), ("PUT", "/api/v1/session"),
                         ("DELETE", "/api/v1/me"), ("PATCH", "/test-support/clock"),
                         ("POST", "/api/openapi.json")):
        r = client.open(path, method=method)
        assert r.status_code == 405 and r.mimetype == "application/json", (method, path, r.status_code)
        assert r.get_json()["errors"][0]["code"] == "RASIM405E"


def test_openapi_describes_every_operation(world):  # noqa: ANN001
    doc = world["app"].test_client().get("/api/openapi.json").get_json()
    ids = {item["operationId"] for path in doc["paths"].values() for item in path.values()}
    ed = catalog.edition(world["app"].config["RASIM_EDITION"])   # an operation with an edition_flag: in its editions
    assert ids == {op.operation_id for op in REGISTRY if not op.edition_flag or getattr(ed, op.edition_flag)}
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", i) for i in ids), "operationIds are lowerCamelCase"
    assert {"login", "logout", "getClock", "advanceClock", "listMails"} <= ids


# --- regressions found by the walk ---------------------------------------------------------------------

@pytest.mark.parametrize("raw", ['{"token": "\\ud800"}', '{"token": "a\\udc80b"}', '{"\\udfff": 1}'])
def test_regression_lone_surrogates_are_malformed_json(client, raw):  # noqa: ANN001
    r = client.post("/api/v1/links/inspect", data=raw, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "RASIM400E"


@pytest.mark.parametrize("raw", ['{"days": NaN}', '{"hours": Infinity}', '{"minutes": -Infinity}'])
def test_regression_nan_and_infinity_are_not_json(client, raw):  # noqa: ANN001
    r = client.post("/test-support/clock/advance", data=raw, content_type="application/json")
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "RASIM400E"


def test_regression_huge_integers_are_refused_not_overflowed(client):  # noqa: ANN001
    r = client.post("/test-support/usage-requests", json={"name": "所属花子", "email": "h@example.jp",
                                                          "organisation_id": 2**63})
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "RASIM400E"
    r = client.post(f"/test-support/usage-requests/{10**26}/decision", json={"approve": True})
    assert r.status_code == 404 and r.get_json()["errors"][0]["code"] == "RASIM404E"


def test_regression_nul_characters_never_reach_the_database(client):  # noqa: ANN001
    """PostgreSQL refuses NUL in text: a login with "\\u0000" in the ID was a 500 there."""
    r = client.post("/api/v1/session", data='{"auth_id": "a\\u0000b", "password": "x"}',
                    content_type="application/json")
    assert r.status_code == 400 and r.get_json()["errors"][0]["code"] == "RASIM400E"
    assert client.get("/test-support/mails?to=%00").status_code == 400
    assert client.get("/test-support/accounts/a%00b").status_code == 404


def test_regression_a_residence_records_kanji_name_is_bounded(client):  # noqa: ANN001
    """The kanji name went unchecked into a 60-character column: a 500 on PostgreSQL."""
    body = dict(PERSON) | {"kanji_name": "法" * 61}
    r = client.put("/test-support/residence-records", json=body)
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "WZBAM005E"
    r = client.put("/test-support/residence-records", json=dict(PERSON) | {"kanji_name": "法務\x07太郎"})
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "kanji_name"
    assert client.put("/test-support/residence-records", json=dict(PERSON) | {"kanji_name": "法務太郎"}).status_code == 200
