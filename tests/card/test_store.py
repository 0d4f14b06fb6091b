"""Cards last: counters and logs on disk, reopened cards carry on."""
import json

import pytest

from virtual_card.client import JpkiClient, WrongPin
from virtual_card.demo import DEMO_AUTH_PIN, DEMO_SIGN_PIN, ensure_demo_cards
from virtual_card.store import CardStore, UnknownCard
from virtual_card.testing import TEST_AUTH_PIN as AUTH_PIN


def test_counters_survive_reopening(store):
    client = JpkiClient.in_process(store.open_card("good"))
    with pytest.raises(WrongPin):
        client.verify_pin("auth", "0000")
    with pytest.raises(WrongPin):
        client.verify_pin("sign", "WRONG9")
    reopened = JpkiClient.in_process(CardStore(store.root).open_card("good"))
    assert reopened.pin_tries_left("auth") == 2
    assert reopened.pin_tries_left("sign") == 4
    reopened.verify_pin("auth", AUTH_PIN)
    assert CardStore(store.root).tries_left("good")["jpki.auth"] == 3


def test_state_file_is_whole_json_after_each_change(store):
    client = JpkiClient.in_process(store.open_card("good"))
    for _ in range(2):
        with pytest.raises(WrongPin):
            client.verify_pin("info", "0000")
        state = json.loads((store.root / "good" / "state.json").read_text())
        assert set(state["tries_left"]) == {"jpki.auth", "jpki.sign", "info"}
    assert not [p for p in (store.root / "good").iterdir() if p.name.startswith(".state")]


def test_unknown_card_lists_known_ones(store):
    with pytest.raises(UnknownCard) as err:
        store.open_card("nope")
    assert "good" in str(err.value) and "expired" in str(err.value)
    with pytest.raises(UnknownCard):
        store.folder("../good")
    with pytest.raises(UnknownCard):
        store.folder("_ca")


def test_demo_cards_idempotent(tmp_path):
    first = ensure_demo_cards(tmp_path)
    assert [c["role"] for c in first] == ["foreign national", "legal representative", "relative"]
    assert all(c["auth_pin"] == DEMO_AUTH_PIN and c["sign_pin"] == DEMO_SIGN_PIN for c in first)
    mtime = (tmp_path / first[0]["id"] / "auth_cert.der").stat().st_mtime_ns
    assert ensure_demo_cards(tmp_path) == first
    assert (tmp_path / first[0]["id"] / "auth_cert.der").stat().st_mtime_ns == mtime
    client = JpkiClient.in_process(CardStore(tmp_path).open_card(first[1]["id"]))
    client.verify_pin("sign", DEMO_SIGN_PIN)
