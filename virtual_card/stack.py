"""The card stack in the background: pcscd, a served virtual card and the browser bridge.

``rasim serve`` uses :class:`CardStack` so that a person can use a demo card in the pages
with nothing but ``make run``; the tests use the same process helpers through
:mod:`virtual_card.testing`::

    stack = CardStack(cards_dir, "demo-foreign-national", origins=("http://127.0.0.1:8080",))
    for line in stack.start():      # never raises: a part that cannot start gives a reason
        print(line)
    ...
    stack.stop()                    # stops only what it started (a running pcscd is left alone)

pcscd is started only if none is running; it must run as root (or with access to /run/pcscd)
and needs Debian's vsmartcard-vpcd. When it cannot start, :class:`PcscdError` says why.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Self

from .bridge import DEFAULT_PORT as BRIDGE_PORT
from .server import send_control
from .store import CardStore
from .transport import DEFAULT_READER
from .vpcd import VPCD_PORT

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")


class PcscdError(RuntimeError):
    """pcscd (or the vpcd reader) could not be brought up; the message says why."""


def pcscd_running() -> bool:
    if not PCSCD_SOCKET.exists():
        return False
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.settimeout(0.5)
        s.connect(str(PCSCD_SOCKET))
        return True
    except OSError:
        return False
    finally:
        s.close()


def list_readers() -> list[str]:
    from smartcard import scard

    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if rc != scard.SCARD_S_SUCCESS:
        return []
    try:
        rc, readers = scard.SCardListReaders(ctx, [])
        return list(readers) if rc == scard.SCARD_S_SUCCESS else []
    finally:
        scard.SCardReleaseContext(ctx)


def card_present(reader: str = DEFAULT_READER) -> bool:
    """True when a reader whose name contains ``reader`` reports a card."""
    from smartcard import scard

    rc, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if rc != scard.SCARD_S_SUCCESS:
        return False
    try:
        rc, readers = scard.SCardListReaders(ctx, [])
        names = [r for r in (readers or []) if reader in r]
        if rc != scard.SCARD_S_SUCCESS or not names:
            return False
        rc, states = scard.SCardGetStatusChange(ctx, 0, [(names[0], scard.SCARD_STATE_UNAWARE)])
        return rc == scard.SCARD_S_SUCCESS and bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(ctx)


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def _parent_death_signal() -> None:  # pragma: no cover - runs in the child
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child_env() -> dict[str, str]:
    """The environment for `python -m virtual_card …`: this checkout first on PYTHONPATH."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))


class ManagedProcess:
    """A child process with its output kept in a temporary file: output(), stop(), context manager."""

    proc: subprocess.Popen | None = None
    _log = None
    #: Linux: the child gets SIGTERM when the process that started it dies (even by SIGKILL).
    die_with_parent: bool = False

    def start(self) -> Self:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def _popen(self, args: list[str], **kwargs) -> subprocess.Popen:  # noqa: ANN003
        if self.die_with_parent and sys.platform.startswith("linux"):
            kwargs["preexec_fn"] = _parent_death_signal
        return subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                **kwargs)

    def output(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.flush()
            self._log.seek(0)
            return self._log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def stop(self) -> None:
        self._terminate()
        self.proc = None
        self._close_log()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class Pcscd(ManagedProcess):
    """Use the running pcscd, or start one in the foreground and own it."""

    def __init__(self, debug: bool = False, log_path: Path | None = None):
        self.debug = debug
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def owned(self) -> bool:
        return self.proc is not None

    def start(self, timeout: float = 15.0) -> Pcscd:
        if not VPCD_DRIVER.exists():
            raise PcscdError(f"vsmartcard-vpcd is not installed ({VPCD_DRIVER} missing): "
                             "apt-get install -y pcscd vsmartcard-vpcd")
        exe = shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)
        if exe is None:
            raise PcscdError("pcscd is not installed: apt-get install -y pcscd vsmartcard-vpcd")
        if not pcscd_running():
            if PCSCD_SOCKET.exists():  # left over by a killed pcscd
                try:
                    PCSCD_SOCKET.unlink()
                except OSError as exc:
                    raise PcscdError(f"stale {PCSCD_SOCKET} cannot be removed: {exc}") from exc
            args = [exe, "--foreground"] + (["--debug", "--apdu"] if self.debug else [])
            if self.log_path:
                self._log = open(self.log_path, "ab")  # noqa: SIM115 - lives as long as pcscd
            else:
                self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as pcscd
            try:
                self.proc = self._popen(args, start_new_session=True)
            except OSError as exc:
                raise PcscdError(f"cannot run {exe}: {exc}") from exc
        try:
            wait_until(lambda: self._check_alive() and any(DEFAULT_READER in r for r in list_readers()),
                       timeout, f'pcscd to list the "{DEFAULT_READER}" reader')
        except (TimeoutError, PcscdError) as exc:
            output = self.output()
            self.stop()
            raise PcscdError(f"{exc}; pcscd output: {output[-2000:] or '(none)'}; "
                             f"running as uid {os.getuid()} (pcscd needs root)") from exc
        return self

    def _check_alive(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise PcscdError(f"pcscd exited with status {self.proc.returncode}")
        return True


class ServedCard(ManagedProcess):
    """A `card serve` subprocess (the card process) for one cards folder and vpcd port."""

    def __init__(self, cards_dir: Path, card_id: str | None, port: int = VPCD_PORT,
                 extra_args: tuple[str, ...] = ()):
        self.extra_args = tuple(extra_args)
        self.cards_dir = Path(cards_dir)
        self.card_id = card_id
        self.port = port
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 10.0) -> ServedCard:
        args = [sys.executable, "-m", "virtual_card", "--cards-dir", str(self.cards_dir), "serve",
                "--port", str(self.port), *self.extra_args] + ([self.card_id] if self.card_id else [])
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self.proc = self._popen(args, env=_child_env())
        try:
            wait_until(self._ready, timeout, "the card server to come up")
            if self.card_id and self.port == VPCD_PORT:
                wait_until(card_present, timeout, "pcscd to see the card")
        except (TimeoutError, RuntimeError) as exc:
            out = self.output()
            self.stop()
            raise PcscdError(f"{exc}; card server output: {out[-2000:]}") from exc
        return self

    def _ready(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"card server exited with status {self.proc.returncode}")
        try:
            status = self.control({"cmd": "status"})
        except (ConnectionError, OSError, ValueError):
            return False
        return status.get("connected") if self.card_id else True

    def control(self, request: dict) -> dict:
        return send_control(CardStore(self.cards_dir), request, port=self.port, timeout=5)

    def insert(self, card_id: str, timeout: float = 10.0) -> None:
        reply = self.control({"cmd": "insert", "card": card_id})
        if not reply.get("ok"):
            raise RuntimeError(reply.get("error"))
        self.card_id = card_id
        wait_until(lambda: self.control({"cmd": "status"}).get("connected"), timeout, "vpcd connection")
        if self.port == VPCD_PORT:
            wait_until(card_present, timeout, "pcscd to see the card")

    def remove(self, timeout: float = 10.0) -> None:
        self.control({"cmd": "remove"})
        self.card_id = None
        if self.port == VPCD_PORT:
            wait_until(lambda: not card_present(), timeout, "pcscd to see the card removed")

    def stop(self) -> None:
        if self.proc is not None:
            self._terminate()
            self.proc = None
            if self.port == VPCD_PORT:
                # pcscd notices the removal only on its next presence poll; a card server
                # started before that would be taken for the old card.
                try:
                    wait_until(lambda: not card_present(), 5, "pcscd to see the card removed")
                except TimeoutError:
                    pass
        self._close_log()

    def restart(self) -> None:
        self.stop()
        self.start()


