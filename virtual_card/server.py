"""`rasim card serve`: keep one reader slot filled, swap cards on request.

The server owns at most one :class:`VpcdLink`. A small control channel (a Unix socket in the
cards folder, one JSON line per request) lets `rasim card insert/remove` swap cards while it
runs. If pcscd is not (yet) listening, the server retries the connection every half second.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import selectors
import socket
import tempfile
import threading
import time
from pathlib import Path

from .store import CardStore, UnknownCard
from .vpcd import VPCD_HOST, VPCD_PORT, VpcdLink

log = logging.getLogger(__name__)
RETRY_SECONDS = 0.5
# pcscd polls vpcd's card presence every 0.4 s and only notices a removal on a poll; a new card
# connecting sooner would be taken for the old one (and the next APDU would fail). Wait longer.
SWAP_DELAY = 1.0


def control_socket_path(store: CardStore, port: int = VPCD_PORT) -> Path:
    path = store.root.resolve() / f"_serve-{port}.sock"
    if len(str(path)) > 100:  # AF_UNIX path limit
        digest = hashlib.sha1(str(path).encode()).hexdigest()[:12]
        path = Path(tempfile.gettempdir()) / f"rasim-card-{digest}.sock"
    return path


class CardServer:
    def __init__(self, store: CardStore, host: str = VPCD_HOST, port: int = VPCD_PORT,
                 control: bool = True, nodelay: bool = True, split_writes: bool = False, quickack: bool = True):
        self.store = store
        self.host = host
        self.port = port
        self.nodelay = nodelay
        self.split_writes = split_writes
        self.quickack = quickack
        self.card_id: str | None = None
        self.link: VpcdLink | None = None
        self._next_try = 0.0
        self._sel = selectors.DefaultSelector()
        self._control: socket.socket | None = None
        self.control_path = control_socket_path(store, port) if control else None
        self._stop = threading.Event()
        self.on_event = lambda text: log.info("%s", text)

    # -- card slot -----------------------------------------------------------------------
    def insert(self, card_id: str) -> None:
        card = self.store.open_card(card_id)  # raises UnknownCard before touching the slot
        was_connected = bool(self.link and self.link.connected)
        self.remove()
        self.card_id = card_id
        self.link = VpcdLink(card, self.host, self.port, self.nodelay, self.split_writes, self.quickack)
        self._next_try = max(self._next_try, time.monotonic() + SWAP_DELAY if was_connected else 0.0)
        self._try_connect()

    def remove(self) -> None:
        if self.link is not None:
            if self.link.connected:
                self._sel.unregister(self.link.sock)
                self._next_try = time.monotonic() + SWAP_DELAY
            self.link.close()
            self.on_event(f"card {self.card_id} removed")
        self.link = None
        self.card_id = None

    def _try_connect(self) -> None:
        link = self.link
        if link is None or link.connected or time.monotonic() < self._next_try:
            return
        try:
            link.connect()
        except OSError as exc:
            self._next_try = time.monotonic() + RETRY_SECONDS
            log.debug("vpcd not reachable on %s:%d: %s", self.host, self.port, exc)
            return
        self._sel.register(link.sock, selectors.EVENT_READ, "vpcd")
        self.on_event(f"card {self.card_id} inserted into vpcd {self.host}:{self.port}")

    # -- control channel -----------------------------------------------------------------
    def open_control(self) -> None:
        """Listen on the control socket (idempotent); fails if another server owns it."""
        if self.control_path is None or self._control is not None:
            return
        path = self.control_path
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            if _control_alive(path):
                raise RuntimeError(f"another `card serve` already runs for port {self.port} ({path})")
            path.unlink()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        sock.listen(4)
        self._control = sock
        self._sel.register(sock, selectors.EVENT_READ, "control")

    def _handle_control(self) -> None:
        assert self._control is not None
        conn, _ = self._control.accept()
        with conn:
            conn.settimeout(2.0)
            try:
                raw = b""
                while not raw.endswith(b"\n"):
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    raw += chunk
                request = json.loads(raw or b"{}")
                reply = self._answer(request)
            except Exception as exc:  # noqa: BLE001 - a bad request must not stop the card
                reply = {"ok": False, "error": str(exc)}
            conn.sendall((json.dumps(reply) + "\n").encode())

    def _answer(self, request: dict) -> dict:
        cmd = request.get("cmd")
        if cmd == "insert":
            try:
                self.insert(str(request.get("card", "")))
            except UnknownCard as exc:
                return {"ok": False, "error": str(exc)}
            return {"ok": True, **self.status()}
        if cmd == "remove":
            self.remove()
            return {"ok": True, **self.status()}
        if cmd == "status":
            return {"ok": True, **self.status()}
        if cmd == "stop":
            self._stop.set()
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {cmd!r}"}

    def status(self) -> dict:
        return {"card": self.card_id, "connected": bool(self.link and self.link.connected),
                "apdus": self.link.apdus if self.link else 0, "port": self.port, "pid": os.getpid()}

    # -- loop ----------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()

    def serve_forever(self) -> None:
        self.open_control()
        try:
            while not self._stop.is_set():
                self._try_connect()
                timeout = 0.2 if (self.link is None or self.link.connected) else RETRY_SECONDS / 2
                for key, _ in self._sel.select(timeout):
                    if key.data == "control":
                        self._handle_control()
                    elif key.data == "vpcd" and self.link is not None and self.link.connected:
                        sock = self.link.sock
                        if not self.link.pump():
                            self._sel.unregister(sock)
                            self.on_event("vpcd closed the connection; will reconnect")
                            self._next_try = time.monotonic() + RETRY_SECONDS
        finally:
            self.close()

    def close(self) -> None:
        if self.link is not None and self.link.connected:
            try:
                self._sel.unregister(self.link.sock)
            except (KeyError, ValueError):
                pass
            self.link.close()
        if self._control is not None:
            try:
                self._sel.unregister(self._control)
            except (KeyError, ValueError):
                pass
            self._control.close()
            self._control = None
            if self.control_path is not None:
                try:
                    self.control_path.unlink()
                except FileNotFoundError:
                    pass


def _control_alive(path: Path) -> bool:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(0.5)
        s.connect(str(path))
        return True
    except OSError:
        return False
    finally:
        s.close()


def send_control(store: CardStore, request: dict, port: int = VPCD_PORT, timeout: float = 10.0) -> dict:
    """Send one request to a running `card serve`; raises ConnectionError if none runs."""
    path = control_socket_path(store, port)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        try:
            s.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise ConnectionError(f"no `rasim card serve` is running for port {port} "
                                  f"(control socket {path})") from exc
        s.sendall((json.dumps(request) + "\n").encode())
        raw = b""
        while not raw.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            raw += chunk
        return json.loads(raw)
    finally:
        s.close()
