"""The JPKI client API, in-process (no pcscd)."""
import pytest
from cryptography import x509

from virtual_card.ca import TestCA, verify_signature
from virtual_card.client import CardError, JpkiClient, PinBlocked, WrongPin
from virtual_card.testing import TEST_AUTH_PIN as AUTH_PIN
from virtual_card.testing import TEST_HOLDER as HOLDER
from virtual_card.testing import TEST_MY_NUMBER as MY_NUMBER
from virtual_card.testing import TEST_SIGN_PIN as SIGN_PIN


def test_reads_certificates_without_pin(client, store):
    for name in ("auth", "sign"):
        assert client.read_certificate(name) == store.certificate("good", name)
    ca_der = client.read_certificate("auth_ca")
    assert ca_der == client.read_certificate("sign_ca")
    assert x509.load_der_x509_certificate(ca_der).subject == TestCA.open(store.ca_dir).cert.subject


def test_authenticate_and_sign_verify(client):
    cert, signature = client.authenticate(AUTH_PIN, b"nonce-123")
    assert verify_signature(cert, b"nonce-123", signature)
    assert not verify_signature(cert, b"other", signature)


def test_signature_key_needs_sign_pin(client):
    with pytest.raises(CardError) as err:
        client.sign(b"doc", key="sign")
    assert err.value.sw == 0x6982
    client.verify_pin("sign", SIGN_PIN)
    sig = client.sign(b"doc", key="sign")
    assert verify_signature(client.read_certificate("sign"), b"doc", sig)


def test_wrong_pin_reports_tries_then_blocked(client, store):
    with pytest.raises(WrongPin) as err:
        client.verify_pin("auth", "9999")
    assert err.value.tries_left == 2
    assert client.pin_tries_left("auth") == 2
    assert store.tries_left("good")["jpki.auth"] == 2  # written through to disk
    with pytest.raises(WrongPin):
        client.verify_pin("auth", "9999")
    with pytest.raises(PinBlocked):
        client.verify_pin("auth", "9999")
    with pytest.raises(PinBlocked):
        client.verify_pin("auth", AUTH_PIN)
    assert client.pin_tries_left("auth") == 0


def test_blocked_card(store):
    client = JpkiClient.in_process(store.open_card("blocked"))
    assert client.pin_tries_left("auth") == 0
    with pytest.raises(PinBlocked):
        client.verify_pin("auth", AUTH_PIN)
    client.verify_pin("sign", SIGN_PIN)  # only the auth PIN is blocked


def test_basic_four(client):
    assert client.read_basic_four(AUTH_PIN) == HOLDER


def test_basic_four_does_not_touch_my_number(client, store):
    client.read_basic_four(AUTH_PIN)
    client.authenticate(AUTH_PIN, b"x")
    assert store.my_number_reads("good") == []


def test_my_number_reads_are_logged(client, store):
    assert client.read_my_number(AUTH_PIN) == MY_NUMBER
    log = store.my_number_reads("good")
    assert len(log) == 1 and log[0]["sw"] == "9000" and log[0]["offset"] == 0


def test_refused_my_number_read_is_logged_too(store):
    from virtual_card.apdu import build
    from virtual_card.cardinfo import INFO_AID

    card = store.open_card("good")
    card.transmit(build(0, 0xA4, 4, 0x0C, INFO_AID))
    card.transmit(build(0, 0xA4, 2, 0x0C, b"\x00\x01"))
    assert card.transmit(build(0, 0xB0, 0, 0, ne=16))[-2:] == b"\x69\x82"
    assert [e["sw"] for e in store.my_number_reads("good")] == ["6982"]
