"""The HTTP contract of `rasim card bridge` on the real stack: pcscd + vpcd + a served virtual card,
the bridge as the real command in a subprocess. CORS (preflight, allowed and refused origins),
the loopback Host check, the PIN answers (wrong, blocked, wrong form), no card, a card swap, and
that the My Number is never read (Q2-8). If pcscd cannot start, the tests FAIL with the reason."""
from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.card_bridge import BridgeProcess, card_in_reader_with_bridge, http
from virtual_card.ca import verify_signature
from virtual_card.issuing import issue_card
from virtual_card.model import BasicFour
from virtual_card.store import CardStore
from virtual_card.testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN, ServedCard

pytestmark = pytest.mark.card

PAGE = "http://127.0.0.1:8080"            # allowed by default
EXTRA = "http://127.0.0.1:18099"          # allowed with --allow-origin
EVIL = "http://evil.example"


@dataclass
class Rig:
    cards: CardStore
    served: ServedCard
    bridge: BridgeProcess

    @property
    def url(self) -> str:
        return self.bridge.url


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    root: Path = tmp_path_factory.mktemp("card-bridge")
    cards = CardStore(root / "cards")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="good")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="pins")
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="blocked", blocked=True)
    issue_card(cards, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="expired", expired=True)
    issue_card(cards, BasicFour("LI MEILING", "大阪府大阪市北区", TEST_HOLDER.date_of_birth, "2"),
               auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="other")
    with card_in_reader_with_bridge(cards.root, "good", origins=(EXTRA,)) as (served, bridge):
        yield Rig(cards, served, bridge)


@pytest.fixture
def good(rig: Rig) -> Rig:
    if rig.served.card_id != "good":
        rig.served.insert("good")
    return rig


def challenge() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def test_status_with_a_good_card(good: Rig) -> None:
    status, headers, body = http("GET", good.url + "/status", headers={"Origin": PAGE})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == PAGE
    assert body["reader"] and body["card"] and body["ready"] and body["problem"] is None
    assert set(body["certificates"]) == {"auth", "sign"}
    assert all(c["present"] and not c["expired"] for c in body["certificates"].values())


def test_cors_preflight_for_the_simulator_origins(good: Rig) -> None:
    for origin in (PAGE, "http://localhost:8080", EXTRA):
        status, headers, _ = http("OPTIONS", good.url + "/sign", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert status == 200, origin
        assert headers["Access-Control-Allow-Origin"] == origin
        assert "POST" in headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]
    # Chrome's private-network preflight is answered as well
    status, headers, _ = http("OPTIONS", good.url + "/status", headers={
        "Origin": PAGE, "Access-Control-Request-Method": "GET", "Access-Control-Request-Private-Network": "true"})
    assert status == 200 and headers.get("Access-Control-Allow-Private-Network") == "true"


def test_another_origin_is_refused(good: Rig) -> None:
    before = good.cards.tries_left("good")
    for method, path, body in (("OPTIONS", "/sign", None), ("GET", "/status", None), ("POST", "/certificates", {}),
                               ("POST", "/sign", {"key": "auth", "pin": TEST_AUTH_PIN, "challenge": challenge()})):
        status, headers, answer = http(method, good.url + path, body, headers={"Origin": EVIL})
        assert status == 403, (method, path)
        assert "Access-Control-Allow-Origin" not in headers
        assert answer["error"] == "origin_refused"
    assert good.cards.tries_left("good") == before   # nothing reached the card


def test_a_host_other_than_loopback_is_refused(good: Rig) -> None:
    """DNS rebinding: a page under another name that resolves to 127.0.0.1 gets nothing."""
    status, _, body = http("GET", good.url + "/status", headers={"Host": f"evil.example:{good.bridge.port}"})
    assert status == 403 and body["error"] == "host_refused"


def test_certificates_and_signatures_over_the_challenge(good: Rig) -> None:
    status, _, certs = http("POST", good.url + "/certificates", {}, headers={"Origin": PAGE})
    assert status == 200 and set(certs) == {"auth", "sign"}
    data = challenge()
    for key, pin in (("auth", TEST_AUTH_PIN), ("sign", TEST_SIGN_PIN)):
        status, _, signed = http("POST", good.url + "/sign", {"key": key, "pin": pin, "challenge": data},
                                 headers={"Origin": PAGE})
        assert status == 200, signed
        assert signed["certificate"] == certs[key]
        cert = base64.b64decode(signed["certificate"])
        assert verify_signature(cert, base64.b64decode(data), base64.b64decode(signed["signature"]))


def test_wrong_pin_answers_403_with_the_tries_left(rig: Rig) -> None:
    rig.served.insert("pins")
    status, _, body = http("POST", rig.url + "/sign", {"key": "auth", "pin": "9999", "challenge": challenge()},
                           headers={"Origin": PAGE})
    assert status == 403 and body["error"] == "wrong_pin" and body["tries_left"] == 2
    status, _, body = http("POST", rig.url + "/sign", {"key": "sign", "pin": "WRONG1", "challenge": challenge()})
    assert status == 403 and body["tries_left"] == 4
    assert rig.cards.tries_left("pins")["jpki.auth"] == 2
    # the right PIN resets the counter on the card
    status, _, _ = http("POST", rig.url + "/sign", {"key": "auth", "pin": TEST_AUTH_PIN, "challenge": challenge()})
    assert status == 200
    assert rig.cards.tries_left("pins")["jpki.auth"] == 3


def test_pin_of_the_wrong_form_never_reaches_the_card(rig: Rig) -> None:
    rig.served.insert("pins")
    before = rig.cards.tries_left("pins")
    for key, pin in (("auth", "12"), ("auth", "abcd"), ("sign", "abc123"), ("sign", "AB1"), ("sign", 123456)):
        status, _, body = http("POST", rig.url + "/sign", {"key": key, "pin": pin, "challenge": challenge()})
        assert status == 400 and body["error"] == "pin_format", (key, pin)
    assert rig.cards.tries_left("pins") == before


def test_bad_requests(good: Rig) -> None:
    url = good.url + "/sign"
    assert http("POST", url, {"key": "info", "pin": TEST_AUTH_PIN, "challenge": challenge()})[0] == 400
    assert http("POST", url, {"key": "auth", "pin": TEST_AUTH_PIN, "challenge": "not base64!"})[0] == 400
    too_long = base64.b64encode(b"x" * 2048).decode()
    assert http("POST", url, {"key": "auth", "pin": TEST_AUTH_PIN, "challenge": too_long})[0] == 400
    assert http("POST", url, raw=b"{not json")[0] == 400
    assert http("POST", url, raw=b"{}", headers={"Content-Type": "text/plain"})[0] == 415
    assert http("GET", good.url + "/my-number")[0] == 404


def test_blocked_pin_answers_423(rig: Rig) -> None:
    rig.served.insert("blocked")
    status, _, body = http("POST", rig.url + "/sign", {"key": "auth", "pin": TEST_AUTH_PIN, "challenge": challenge()})
    assert status == 423 and body["error"] == "pin_blocked" and body["tries_left"] == 0


def test_expired_certificates_make_the_status_not_ready(rig: Rig) -> None:
    rig.served.insert("expired")
    status, _, body = http("GET", rig.url + "/status", headers={"Origin": PAGE})
    assert status == 200
    assert body["card"] and not body["ready"] and body["problem"] == "certificate_expired"
    assert all(c["expired"] for c in body["certificates"].values())


def test_no_card(rig: Rig) -> None:
    rig.served.remove()
    try:
        status, headers, body = http("GET", rig.url + "/status", headers={"Origin": PAGE})
        assert status == 200 and headers["Access-Control-Allow-Origin"] == PAGE
        assert body["reader"] and not body["card"] and not body["ready"] and body["problem"] == "no_card"
        status, _, body = http("POST", rig.url + "/certificates", {})
        assert status == 503 and body["error"] == "no_card"
        status, _, body = http("POST", rig.url + "/sign", {"key": "auth", "pin": TEST_AUTH_PIN,
                                                           "challenge": challenge()})
        assert status == 503 and body["error"] == "no_card"
    finally:
        rig.served.insert("good")


def test_a_swapped_card_is_seen_at_once(rig: Rig) -> None:
    rig.served.insert("good")
    first = http("POST", rig.url + "/certificates", {})[2]
    rig.served.insert("other")
    second = http("POST", rig.url + "/certificates", {})[2]
    assert first["sign"] != second["sign"] and first["auth"] != second["auth"]
    rig.served.insert("good")


def test_the_bridge_never_reads_the_my_number(rig: Rig) -> None:
    for card_id in ("good", "pins", "blocked", "expired", "other"):
        assert rig.cards.my_number_reads(card_id) == [], card_id
