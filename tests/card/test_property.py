"""Hypothesis throws arbitrary APDUs at the card: it never crashes, always answers with a
two-byte status word, and its PIN counters only ever move the way a card's may."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from virtual_card.cardinfo import INFO_AID
from virtual_card.jpki import JPKI_AID
from virtual_card.testing import TEST_AUTH_PIN, TEST_SIGN_PIN

MAX = {"jpki.auth": 3, "jpki.sign": 5, "info": 3}
KNOWN_SW1 = {0x90, 0x62, 0x63, 0x67, 0x69, 0x6A, 0x6B, 0x6D, 0x6E}

interesting_data = st.sampled_from([
    b"", JPKI_AID, INFO_AID, b"\x3f\x00", b"\x00\x01", b"\x00\x02", b"\x00\x0a", b"\x00\x11",
    b"\x00\x17", b"\x00\x18", b"\x00\x1a", b"\x00\x1b", TEST_AUTH_PIN.encode(), TEST_SIGN_PIN.encode(),
    b"0000", b"WRONG1", b"\x30\x31" * 20,
]) | st.binary(max_size=260)


@st.composite
def structured_apdu(draw) -> bytes:
    cla = draw(st.sampled_from([0x00, 0x80]) | st.integers(0, 255))
    ins = draw(st.sampled_from([0xA4, 0xB0, 0x20, 0x2A]) | st.integers(0, 255))
    p1 = draw(st.sampled_from([0x00, 0x02, 0x04]) | st.integers(0, 255))
    p2 = draw(st.sampled_from([0x0C, 0x80, 0x00]) | st.integers(0, 255))
    data = draw(interesting_data)
    raw = bytes([cla, ins, p1, p2])
    if data:
        if len(data) <= 255:
            raw += bytes([len(data)]) + data
        else:
            raw += b"\x00" + len(data).to_bytes(2, "big") + data
    le = draw(st.none() | st.integers(0, 255))
    if le is not None:
        raw += bytes([le])
    return raw


_opened: dict = {}
apdus = st.lists(structured_apdu() | st.binary(max_size=300), min_size=1, max_size=25)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=apdus)
def test_arbitrary_apdus_never_break_the_card(store, sequence):
    card = _opened.get(store.root)
    if card is None:  # loading RSA keys is slow: one card per test, fresh counters per example
        card = _opened[store.root] = store.open_card("good")
    for pin_id, pin in card.pins.pins.items():
        pin.tries_left = MAX[pin_id]
    store.write_tries("good", dict(MAX))
    card.reset()
    pins = {pin_id: spec["value"].encode() for pin_id, spec in store.record("good").pins.items()}
    before = card.pins.snapshot()
    for raw in sequence:
        if len(raw) % 7 == 3:
            card.reset()
        resp = card.transmit(raw)
        assert isinstance(resp, bytes) and len(resp) >= 2
        sw1 = resp[-2]
        assert sw1 in KNOWN_SW1, resp.hex()
        assert resp[-2:] != b"\x6f\x00", f"internal error on {raw.hex()}"
        if resp[-2:] not in (b"\x90\x00", b"\x62\x82"):
            assert len(resp) == 2  # no data with an error
        after = card.pins.snapshot()
        for pin_id, tries in after.items():
            assert 0 <= tries <= MAX[pin_id]
            moved = tries - before[pin_id]
            if moved < 0:  # a failed VERIFY costs exactly one try
                assert moved == -1 and raw[1] == 0x20 and resp[-2] == 0x63
            elif moved > 0:  # only the right PIN restores the counter
                assert tries == MAX[pin_id] and raw[1] == 0x20 and resp[-2:] == b"\x90\x00"
                assert pins[pin_id] in raw
        assert sum(1 for p in after if after[p] != before[p]) <= 1
        before = after
    assert store.tries_left("good") == card.pins.snapshot()  # disk agrees with the card
