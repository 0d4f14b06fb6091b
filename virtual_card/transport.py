"""How a client reaches a card: through pcscd (PC/SC) or straight to a card object in-process."""
from __future__ import annotations

from typing import Protocol

from .cardos import CardOS

DEFAULT_READER = "Virtual PCD"


class CardError(Exception):
    """The card answered with an unexpected status word, or the link to it failed."""

    def __init__(self, message: str, sw: int | None = None):
        super().__init__(message if sw is None else f"{message} (SW {sw:04X})")
        self.sw = sw


class NoReader(CardError):
    """No matching reader (or no PC/SC service at all)."""


class NoCard(CardError):
    """The reader is there but holds no card."""


class WrongPin(CardError):
    def __init__(self, tries_left: int, sw: int | None = None):
        super().__init__(f"wrong PIN, {tries_left} tries left", sw)
        self.tries_left = tries_left


class PinBlocked(CardError):
    def __init__(self, sw: int | None = None):
        super().__init__("PIN blocked: no tries left", sw)
        self.tries_left = 0


class Transport(Protocol):
    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send a command APDU; return (response data, status word)."""

    def close(self) -> None: ...


class InProcessTransport:
    """Talk to a :class:`CardOS` object directly: no pcscd, no sockets (fast unit tests)."""

    def __init__(self, card: CardOS):
        self.card = card
        card.power_on()

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        resp = self.card.transmit(apdu)
        return resp[:-2], int.from_bytes(resp[-2:], "big")

    def close(self) -> None:
        pass


class PcscTransport:
    """Talk to a card through pcscd, using pyscard's thin binding of the PC/SC API."""

    def __init__(self, reader: str = DEFAULT_READER):
        from smartcard import scard

        self._scard = scard
        rc, self._ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if rc != scard.SCARD_S_SUCCESS:
            raise NoReader(f"no PC/SC service (is pcscd running?): {scard.SCardGetErrorMessage(rc)}")
        self._card = None
        try:
            self.reader = self._find_reader(reader)
            rc, card, proto = scard.SCardConnect(
                self._ctx, self.reader, scard.SCARD_SHARE_SHARED,
                scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
            if rc in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD,
                      scard.SCARD_W_UNRESPONSIVE_CARD, scard.SCARD_W_UNPOWERED_CARD):
                raise NoCard(f"no card in reader {self.reader!r}")
            if rc != scard.SCARD_S_SUCCESS:
                raise CardError(f"cannot connect to {self.reader!r}: {scard.SCardGetErrorMessage(rc)}")
            self._card, self._proto = card, proto
        except BaseException:
            self.close()
            raise

    def _find_reader(self, wanted: str) -> str:
        scard = self._scard
        rc, readers = scard.SCardListReaders(self._ctx, [])
        if rc == scard.SCARD_E_NO_READERS_AVAILABLE or (rc == scard.SCARD_S_SUCCESS and not readers):
            raise NoReader("no smart card reader found")
        if rc != scard.SCARD_S_SUCCESS:
            raise NoReader(f"cannot list readers: {scard.SCardGetErrorMessage(rc)}")
        for name in readers:
            if wanted in name:
                return name
        raise NoReader(f"no reader matching {wanted!r}; readers: {', '.join(readers)}")

    @property
    def atr(self) -> bytes:
        rc, _, _, _, atr = self._scard.SCardStatus(self._card)
        if rc != self._scard.SCARD_S_SUCCESS:
            raise CardError(f"status failed: {self._scard.SCardGetErrorMessage(rc)}")
        return bytes(atr)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        scard = self._scard
        rc, resp = scard.SCardTransmit(self._card, self._proto, list(apdu))
        if rc in (scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD):
            raise NoCard("the card was removed")
        if rc != scard.SCARD_S_SUCCESS:
            raise CardError(f"transmit failed: {scard.SCardGetErrorMessage(rc)}")
        if len(resp) < 2:
            raise CardError("response shorter than a status word")
        return bytes(resp[:-2]), (resp[-2] << 8) | resp[-1]

    def close(self) -> None:
        scard = self._scard
        if self._card is not None:
            scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)
            self._card = None
        if self._ctx is not None:
            scard.SCardReleaseContext(self._ctx)
            self._ctx = None
