"""The card side of vsmartcard's vpcd protocol: put a :class:`CardOS` into pcscd's "Virtual PCD".

vpcd (a pcscd reader driver) listens on 127.0.0.1:35963; a card "is inserted" while a client
is connected. Every message either way is a 2-byte big-endian length and the bytes. A 1-byte
message from vpcd is a control code (0 power off, 1 power on, 2 reset, 4 send ATR); anything
longer is a command APDU answered by one response APDU.

Latency: Debian's vpcd writes the 2-byte length prefix and the APDU with two ``send`` calls on
a socket without ``TCP_NODELAY``. Nagle's algorithm then holds the APDU back until the card side
ACKs the prefix, and Linux delays that ACK (~40 ms) because the card has nothing to send yet:
every APDU costs ~43 ms. We re-arm ``TCP_QUICKACK`` before every ``recv`` so the prefix is ACKed
at once, and answer in ONE ``sendall`` on a ``TCP_NODELAY`` socket so our side never causes the
same stall. Measurements in docs/virtual-card.md.
"""
from __future__ import annotations

import logging
import socket
import struct

from .cardos import CardOS

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4


class VpcdLink:
    """One TCP connection to vpcd, i.e. one inserted card."""

    def __init__(self, card: CardOS, host: str = VPCD_HOST, port: int = VPCD_PORT,
                 nodelay: bool = True, split_writes: bool = False, quickack: bool = True):
        self.card = card
        self.host = host
        self.port = port
        self.nodelay = nodelay
        self.split_writes = split_writes  # only to reproduce the slow behaviour in the benchmark
        self.quickack = quickack and hasattr(socket, "TCP_QUICKACK")
        self.sock: socket.socket | None = None
        self._buf = bytearray()
        self.apdus = 0

    def connect(self, timeout: float = 2.0) -> None:
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        sock.settimeout(None)
        if self.nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.card.power_on()

    def fileno(self) -> int:
        return self.sock.fileno() if self.sock else -1

    @property
    def connected(self) -> bool:
        return self.sock is not None

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None
                self._buf.clear()

    def _send(self, payload: bytes) -> None:
        assert self.sock is not None
        header = struct.pack("!H", len(payload))
        if self.split_writes:
            self.sock.sendall(header)
            self.sock.sendall(payload)
        else:
            self.sock.sendall(header + payload)

    def pump(self) -> bool:
        """Read what vpcd sent and answer every complete message; False once vpcd hung up."""
        assert self.sock is not None
        try:
            if self.quickack:  # ACK vpcd's 2-byte length prefix at once (see module doc)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            data = self.sock.recv(65536 + 2)
        except (ConnectionResetError, OSError):
            data = b""
        if not data:
            self.close()
            return False
        self._buf += data
        while len(self._buf) >= 2:
            size = (self._buf[0] << 8) | self._buf[1]
            if len(self._buf) < 2 + size:
                break
            msg = bytes(self._buf[2 : 2 + size])
            del self._buf[: 2 + size]
            self._handle(msg)
        return True

    def _handle(self, msg: bytes) -> None:
        if len(msg) == 0:
            return
        if len(msg) == 1:
            code = msg[0]
            if code == CTRL_ATR:
                self._send(self.card.atr)
            elif code == CTRL_ON:
                self.card.power_on()
            elif code == CTRL_OFF:
                self.card.power_off()
            elif code == CTRL_RESET:
                self.card.reset()
            else:
                log.warning("unknown vpcd control code %d", code)
            return
        self.apdus += 1
        self._send(self.card.transmit(msg))
