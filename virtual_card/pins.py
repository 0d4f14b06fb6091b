"""PIN counters with a retry limit, persisted by a callback on every change."""
from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class VerifyOutcome(Enum):
    OK = "ok"
    WRONG = "wrong"
    BLOCKED = "blocked"


@dataclass
class Pin:
    value: str
    max_tries: int
    tries_left: int

    @property
    def blocked(self) -> bool:
        return self.tries_left <= 0


class PinStore:
    """The card's PINs by id; ``on_change`` is called after every counter change."""

    def __init__(self, pins: dict[str, Pin], on_change: Callable[[PinStore], None] | None = None):
        self.pins = pins
        self.on_change = on_change

    def __contains__(self, pin_id: str) -> bool:
        return pin_id in self.pins

    def tries_left(self, pin_id: str) -> int:
        return self.pins[pin_id].tries_left

    def verify(self, pin_id: str, candidate: bytes) -> VerifyOutcome:
        pin = self.pins[pin_id]
        if pin.blocked:
            return VerifyOutcome.BLOCKED
        if hmac.compare_digest(candidate, pin.value.encode("ascii", "replace")):
            if pin.tries_left != pin.max_tries:
                pin.tries_left = pin.max_tries
                self._changed()
            return VerifyOutcome.OK
        pin.tries_left -= 1
        self._changed()
        return VerifyOutcome.WRONG

    def snapshot(self) -> dict[str, int]:
        return {pin_id: pin.tries_left for pin_id, pin in self.pins.items()}

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change(self)
