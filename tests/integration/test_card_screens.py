"""The card pages' server side through Flask's test client, with an in-process virtual card doing
what card.js and the bridge do in the browser (the browser path itself: tests/browser)."""
from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from simulator.web.app import create_app
from virtual_card.client import JpkiClient
from virtual_card.issuing import issue_card
from virtual_card.store import CardStore
from virtual_card.testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN

PASSWORD = "AB12345!"


@pytest.fixture
def app(db_url: str, tmp_path: Any):  # the shared app, with its own cards folder
    application = create_app({"RASIM_DATABASE_URL": db_url, "RASIM_VAR_DIR": str(tmp_path / "var"),
                              "RASIM_CARDS_DIR": str(tmp_path / "cards"), "SECRET_KEY": "test", "TESTING": True})
    yield application
    application.extensions["rasim.engine"].dispose()


@pytest.fixture
def card(app) -> JpkiClient:
    store = CardStore(app.config["RASIM_CARDS_DIR"])
    issue_card(store, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="screens")
    return JpkiClient.in_process(store.open_card("screens"))


def tokens(html: str) -> dict[str, str]:
    out = {}
    for name in ("csrf_token", "screen_token"):
        found = re.search(rf'name="{name}" value="([^"]+)"', html)
        if found:
            out[name] = found.group(1)
    return out


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sign_challenge(client: Any, card: JpkiClient, html: str, purpose: str) -> dict[str, str]:
    made = client.post("/card/challenge", data={"purpose": purpose, "csrf_token": tokens(html)["csrf_token"]})
    assert made.status_code == 200, made.get_data(as_text=True)
    nonce = base64.b64decode(made.json["challenge"])
    out = {"challenge_id": made.json["challenge_id"]}
    if purpose == "registration":
        card.verify_pin("sign", TEST_SIGN_PIN)
        out.update(signature_certificate=b64(card.read_certificate("sign")), signature=b64(card.sign(nonce, "sign")))
        card.verify_pin("auth", TEST_AUTH_PIN)
        out.update(authentication_certificate=b64(card.read_certificate("auth")),
                   authentication_signature=b64(card.sign(nonce, "auth")))
    else:
        card.verify_pin("auth", TEST_AUTH_PIN)
        out.update(authentication_certificate=b64(card.read_certificate("auth")), signature=b64(card.sign(nonce, "auth")))
    return out


def test_category_must_be_chosen(client: Any) -> None:
    html = client.get("/registration/card").get_data(as_text=True)
    for label in ("外国人本人", "法定代理人", "親族"):
        assert label in html
    refused = client.get("/registration/card/read?category=lawyer")
    assert refused.status_code == 400 and "WZBAM001E" in refused.get_data(as_text=True)
    page = client.get("/registration/card/read?category=relative").get_data(as_text=True)
    assert 'id="card-panel"' in page and 'data-bridge="http://127.0.0.1:35980"' in page


def test_bridge_url_follows_the_setting(app: Any, client: Any) -> None:
    app.config["RASIM_CARD_BRIDGE_URL"] = "http://127.0.0.1:40001/"
    assert 'data-bridge="http://127.0.0.1:40001"' in client.get("/login/card").get_data(as_text=True)


def test_challenge_needs_the_csrf_token(client: Any) -> None:
    client.get("/login/card")
    assert client.post("/card/challenge", data={"purpose": "login"}).status_code == 400


def test_register_and_log_in_through_the_screens(client: Any, card: JpkiClient) -> None:
    read = client.get("/registration/card/read?category=foreign_national").get_data(as_text=True)
    proof = sign_challenge(client, card, read, "registration")
    form = client.post("/registration/card/form", data={**tokens(read), "category": "foreign_national", **proof})
    html = form.get_data(as_text=True)
    assert form.status_code == 200, html
    assert f'value="{TEST_HOLDER.name}" readonly' in html and 'value="1995/04/15" readonly' in html
    assert "residence_card_number" in html

    body = {**tokens(html), "category": "foreign_national", **proof, "name": TEST_HOLDER.name, "sex": "male",
            "birth_date": "1995-04-15", "address_pref_city": "東京都新宿区", "address_street": "西新宿２－８－１",
            "phone": "", "email": "screens@example.jp", "email_confirm": "screens@example.jp",
            "residence_card_number": "AB12345678CD", "residence_card_valid_until": "2030-12-31", "agree_terms": "on"}
    done = client.post("/registration/card", data=body)
    assert "利用者情報の登録を受け付けました。" in done.get_data(as_text=True)
    # the same card answer sent again: the challenge is used up, the card must be read again
    replay = {**body, "category": "relative", "residence_card_number": "", "residence_card_valid_until": "",
              "email": "other@example.jp", "email_confirm": "other@example.jp"}
    again = client.post("/registration/card", data={**replay, **tokens(done.get_data(as_text=True))})
    again_html = again.get_data(as_text=True)
    assert "WZBAM255E" in again_html and 'id="card-panel"' in again_html

    url = client.get("/test-support/mails?to=screens@example.jp").json["mails"][0]["url"]
    path = url.split("//", 1)[1].split("/", 1)[1]
    page = client.get("/" + path).get_data(as_text=True)
    done = client.post("/" + path, data={**tokens(page), "password": PASSWORD, "password_confirm": PASSWORD})
    auth_id = re.search(r'id="new-auth-id">([^<]+)<', done.get_data(as_text=True)).group(1)

    login = client.get("/login/card").get_data(as_text=True)
    proof = sign_challenge(client, card, login, "login")
    answer = client.post("/login/card", data={**tokens(login), **proof, "auth_id": auth_id, "password": PASSWORD})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/menu")
    assert client.get("/menu").status_code == 200


def test_garbage_instead_of_a_card_answer_goes_back_to_the_card(client: Any) -> None:
    read = client.get("/registration/card/read?category=relative").get_data(as_text=True)
    answer = client.post("/registration/card/form", data={
        **tokens(read), "category": "relative", "challenge_id": "x", "signature_certificate": "bm90IGEgY2VydA==",
        "signature": "AA==", "authentication_certificate": "AA==", "authentication_signature": "AA=="})
    assert answer.status_code == 400 and "WZBAM255E" in answer.get_data(as_text=True)


def test_login_without_a_card_answer_is_refused(client: Any) -> None:
    login = client.get("/login/card").get_data(as_text=True)
    answer = client.post("/login/card", data={**tokens(login), "auth_id": "abcde12345", "password": PASSWORD})
    assert answer.status_code == 200 and "WZBAM255E" in answer.get_data(as_text=True)
    menu = client.get("/menu")
    assert menu.status_code >= 400, "no session after a refused login"
