"""A small ISO 7816-4 card operating system: SELECT, READ BINARY, VERIFY, COMPUTE DIGITAL SIGNATURE.

:meth:`CardOS.transmit` takes any bytes and always returns a well-formed response APDU ending in a
two-byte status word; an unexpected exception inside a command becomes ``6F00``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable

from . import rsa_raw
from .apdu import SW, Command, parse, response
from .files import Application, BinaryFile, ElementaryFile, KeyFile, PinFile
from .pins import PinStore, VerifyOutcome

log = logging.getLogger(__name__)

# ATR of real My Number Cards (T=1, no historical bytes); OpenSC's JPKI driver matches on it.
JPKI_ATR = bytes.fromhex("3BE000FF8131FE4514")
MF_FID = 0x3F00


class CardOS:
    def __init__(self, applications: Iterable[Application], pins: PinStore, atr: bytes = JPKI_ATR,
                 label: str = ""):
        self.atr = atr
        self.label = label  # the card id, for logs
        self.applications = {app.aid: app for app in applications}
        self.pins = pins
        self.current_app: Application | None = None
        self.current_ef: ElementaryFile | None = None
        self.verified: set[str] = set()
        self.powered = True

    # -- power ---------------------------------------------------------------------------
    def reset(self) -> bytes:
        """Warm or cold reset: volatile state is gone, PIN counters stay."""
        self.current_app = None
        self.current_ef = None
        self.verified.clear()
        self.powered = True
        return self.atr

    def power_on(self) -> None:
        self.reset()

    def power_off(self) -> None:
        self.reset()
        self.powered = False

    # -- dispatch ------------------------------------------------------------------------
    def transmit(self, raw: bytes) -> bytes:
        try:
            cmd = parse(bytes(raw))
            if cmd is None:
                return response(SW.WRONG_LENGTH)
            return self._dispatch(cmd)
        except Exception:  # a card never crashes; it answers 6F00
            log.exception("card error on APDU %s", bytes(raw).hex())
            return response(SW.UNKNOWN)

    def _dispatch(self, cmd: Command) -> bytes:
        if cmd.cla == 0x00:
            handler = {0xA4: self._select, 0xB0: self._read_binary, 0x20: self._verify}.get(cmd.ins)
        elif cmd.cla == 0x80:
            handler = {0x2A: self._sign}.get(cmd.ins)
        else:
            return response(SW.CLA_NOT_SUPPORTED)
        if handler is None:
            known = cmd.ins in (0xA4, 0xB0, 0x20, 0x2A)
            return response(SW.CLA_NOT_SUPPORTED if known else SW.INS_NOT_SUPPORTED)
        return handler(cmd)

    # -- SELECT --------------------------------------------------------------------------
    def _select(self, cmd: Command) -> bytes:
        if cmd.p2 not in (0x00, 0x04, 0x0C):
            return response(SW.WRONG_P1P2)
        if cmd.p1 == 0x04:
            return self._select_application(cmd.data)
        if cmd.p1 in (0x00, 0x02):
            if cmd.p1 == 0x00 and cmd.data in (b"", b"\x3f\x00"):
                return self._select_mf()
            if len(cmd.data) != 2:
                return response(SW.WRONG_LENGTH)
            return self._select_ef(int.from_bytes(cmd.data, "big"))
        return response(SW.WRONG_P1P2)

    def _select_mf(self) -> bytes:
        self.current_app = None
        self.current_ef = None
        self.verified.clear()
        return response(SW.OK)

    def _select_application(self, aid: bytes) -> bytes:
        if not 1 <= len(aid) <= 16:
            return response(SW.WRONG_LENGTH)
        app = self.applications.get(aid)
        if app is None:
            return response(SW.FILE_NOT_FOUND)
        if app is not self.current_app:
            self.verified.clear()  # security state belongs to the application left behind
        self.current_app = app
        self.current_ef = None
        return response(SW.OK)

    def _select_ef(self, fid: int) -> bytes:
        if fid == MF_FID:
            return self._select_mf()
        ef = self.current_app.files.get(fid) if self.current_app else None
        if ef is None:
            return response(SW.FILE_NOT_FOUND)
        self.current_ef = ef
        return response(SW.OK)

    # -- READ BINARY ---------------------------------------------------------------------
    def _read_binary(self, cmd: Command) -> bytes:
        if cmd.p1 & 0x80:  # short EF identifier addressing is not offered
            return response(SW.WRONG_P1P2)
        if cmd.data:
            return response(SW.WRONG_LENGTH)
        if cmd.ne is None:
            return response(SW.WRONG_LENGTH)
        ef = self.current_ef
        if ef is None:
            return response(SW.NO_CURRENT_EF)
        if not isinstance(ef, BinaryFile):
            return response(SW.INCOMPATIBLE_FILE)
        offset = (cmd.p1 << 8) | cmd.p2
        sw, data = self._read(ef, offset, cmd.ne)
        if ef.on_read is not None:
            ef.on_read(offset, cmd.ne, sw)
        return response(sw, data)

    def _read(self, ef: BinaryFile, offset: int, ne: int) -> tuple[int, bytes]:
        if ef.read_pin is not None and ef.read_pin not in self.verified:
            return SW.SECURITY_NOT_SATISFIED, b""
        if offset > len(ef.data):
            return SW.WRONG_OFFSET, b""
        chunk = ef.data[offset : offset + ne]
        return (SW.OK if len(chunk) == ne else SW.END_OF_FILE), chunk

    # -- VERIFY --------------------------------------------------------------------------
    def _verify(self, cmd: Command) -> bytes:
        if cmd.p1 != 0x00 or cmd.p2 != 0x80:
            return response(SW.WRONG_P1P2)
        ef = self.current_ef
        if not isinstance(ef, PinFile) or ef.pin_id not in self.pins:
            return response(SW.CONDITIONS_NOT_SATISFIED)
        pin_id = ef.pin_id
        if not cmd.data:  # empty VERIFY: how many tries are left
            return response(SW.tries_left(self.pins.tries_left(pin_id)))
        if len(cmd.data) > 16:
            return response(SW.WRONG_LENGTH)
        outcome = self.pins.verify(pin_id, cmd.data)
        if outcome is VerifyOutcome.OK:
            self.verified.add(pin_id)
            return response(SW.OK)
        self.verified.discard(pin_id)
        if outcome is VerifyOutcome.BLOCKED:
            return response(SW.AUTH_BLOCKED)
        return response(SW.tries_left(self.pins.tries_left(pin_id)))

    # -- COMPUTE DIGITAL SIGNATURE (80 2A 00 80) -----------------------------------------
    def _sign(self, cmd: Command) -> bytes:
        if cmd.p1 != 0x00 or cmd.p2 != 0x80:
            return response(SW.WRONG_P1P2)
        ef = self.current_ef
        if not isinstance(ef, KeyFile):
            return response(SW.CONDITIONS_NOT_SATISFIED)
        if ef.pin_id not in self.verified:
            return response(SW.SECURITY_NOT_SATISFIED)
        if not cmd.data or len(cmd.data) > rsa_raw.max_input(ef.key):
            return response(SW.WRONG_LENGTH)
        return response(SW.OK, rsa_raw.sign_pkcs1_v15(ef.key, cmd.data))
