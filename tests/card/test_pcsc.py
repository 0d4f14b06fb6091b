"""The real stack: pcscd + vsmartcard-vpcd + the `card serve` process, through pyscard."""
import pytest

from virtual_card.ca import TestCA, verify_signature
from virtual_card.client import JpkiClient, NoCard, PinBlocked, WrongPin
from virtual_card.testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN, card_present

pytestmark = pytest.mark.card


def test_reader_and_atr(served):
    with JpkiClient.pcsc() as client:
        assert "Virtual PCD" in client.transport.reader
        assert client.transport.atr == bytes.fromhex("3BE000FF8131FE4514")


def test_full_authentication_over_pcsc(served, store):
    with JpkiClient.pcsc() as client:
        cert, sig = client.authenticate(TEST_AUTH_PIN, b"login challenge")
        assert cert == store.certificate("good", "auth")
        assert verify_signature(cert, b"login challenge", sig)
        assert TestCA.open(store.ca_dir).verify_chain(cert).ok
        client.verify_pin("sign", TEST_SIGN_PIN)
        sig = client.sign(b"registration", key="sign")
        assert verify_signature(client.read_certificate("sign"), b"registration", sig)
        assert client.read_basic_four(TEST_AUTH_PIN) == TEST_HOLDER
    assert store.my_number_reads("good") == []


def test_pin_counters_survive_card_process_restart(served, store):
    with JpkiClient.pcsc() as client:
        with pytest.raises(WrongPin) as err:
            client.verify_pin("auth", "0000")
        assert err.value.tries_left == 2
        with pytest.raises(WrongPin):
            client.verify_pin("sign", "WRONG1")
    served.restart()
    with JpkiClient.pcsc() as client:
        assert client.pin_tries_left("auth") == 2
        assert client.pin_tries_left("sign") == 4
        with pytest.raises(WrongPin):
            client.verify_pin("auth", "0000")
        with pytest.raises(PinBlocked):
            client.verify_pin("auth", "0000")
    served.restart()
    with JpkiClient.pcsc() as client, pytest.raises(PinBlocked):
        client.verify_pin("auth", TEST_AUTH_PIN)
    assert store.tries_left("good")["jpki.auth"] == 0


def test_insert_remove_swap(served, store):
    served.remove()
    assert not card_present()
    with pytest.raises(NoCard):
        JpkiClient.pcsc()
    served.insert("blocked")
    with JpkiClient.pcsc() as client:
        assert client.pin_tries_left("auth") == 0
        assert client.read_certificate("auth") == store.certificate("blocked", "auth")
    served.insert("good")
    with JpkiClient.pcsc() as client:
        assert client.pin_tries_left("auth") == 3


def test_my_number_read_is_logged_through_pcsc(served, store):
    with JpkiClient.pcsc() as client:
        client.read_my_number(TEST_AUTH_PIN)
    assert len(store.my_number_reads("good")) == 1


def test_many_apdus_stay_fast(served):
    """Not a benchmark: catches a regression to the ~43 ms Nagle/delayed-ACK stall."""
    import time

    from virtual_card.apdu import build
    from virtual_card.jpki import JPKI_AID

    with JpkiClient.pcsc() as client:
        start = time.perf_counter()
        for _ in range(50):
            client.transport.transmit(build(0, 0xA4, 4, 0x0C, JPKI_AID))
        assert (time.perf_counter() - start) / 50 < 0.02
