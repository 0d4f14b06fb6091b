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


def pcscd_executable() -> str | None:
    return shutil.which("pcscd") or ("/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None)


def stack_installed() -> bool:
    """pcscd and Debian's vpcd driver are installed (the card stack can run here)."""
    return pcscd_executable() is not None and VPCD_DRIVER.exists()


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Nothing listens on ``host:port`` (a socket in TIME_WAIT does not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


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


def port_bindable(port: int) -> bool:
    """True when a listening socket could take the port now (as vpcd does, without SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
            return True
        except OSError:
            return False


def wait_for_free_vpcd_port(timeout: float = 90.0) -> None:
    """A pcscd that just stopped leaves vpcd's port in TIME_WAIT for up to a minute; the vpcd driver
    of a new pcscd would fail with "Address already in use". Wait for it rather than fail."""
    ports = (VPCD_PORT, VPCD_PORT + 1)   # Debian's vpcd binds both slots (readers "… 00 00" and "… 00 01")
    try:
        wait_until(lambda: all(port_bindable(p) for p in ports), timeout,
                   f"vpcd's ports {ports[0]} and {ports[1]} to become free")
    except TimeoutError as exc:
        raise PcscdError(f"{exc}: another program holds one (`ss -ltnp | grep 3596`)") from exc


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
        exe = pcscd_executable()
        if exe is None:
            raise PcscdError("pcscd is not installed: apt-get install -y pcscd vsmartcard-vpcd")
        if not pcscd_running():
            if PCSCD_SOCKET.exists():  # left over by a killed pcscd
                try:
                    PCSCD_SOCKET.unlink()
                except OSError as exc:
                    raise PcscdError(f"stale {PCSCD_SOCKET} cannot be removed: {exc}") from exc
            wait_for_free_vpcd_port()
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


class Bridge(ManagedProcess):
    """A `card bridge` subprocess (the pages' way to the card) on ``127.0.0.1:port``."""

    def __init__(self, port: int = BRIDGE_PORT, origins: Iterable[str] = (), reader: str | None = None):
        self.port = port
        self.origins = tuple(origins)
        self.reader = reader
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> Bridge:
        args = [sys.executable, "-m", "virtual_card", "bridge", "--port", str(self.port)]
        for origin in self.origins:
            args += ["--allow-origin", origin]
        if self.reader:
            args += ["--reader", self.reader]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the bridge
        self.proc = self._popen(args, env=_child_env())
        try:
            wait_until(self._listening, timeout, f"the bridge to listen on 127.0.0.1:{self.port}")
        except (TimeoutError, RuntimeError) as exc:
            out = self.output()
            self.stop()
            raise RuntimeError(f"{exc}; bridge output: {out[-2000:]}") from exc
        return self

    def _listening(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"the bridge exited with status {self.proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False


def one_line(reason: object, limit: int = 300) -> str:
    """An exception's message on one short line (pcscd's output can run to pages)."""
    text = " ".join(str(reason).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class BackgroundCardStack:
    """pcscd (if none runs), `card serve CARD` and `card bridge`, started for `rasim serve`.

    :meth:`start` never raises: each part that cannot start yields one line with the reason and
    the simulator goes on without the card. :meth:`stop` stops what was started, newest first.
    """

    def __init__(self, cards_dir: Path | str, card_id: str | None, origins: Iterable[str] = (),
                 bridge_port: int = BRIDGE_PORT, vpcd_port: int = VPCD_PORT,
                 say: Callable[[str], None] | None = None):
        self.store = CardStore(cards_dir)
        self.card_id = card_id
        self.origins = tuple(origins)
        self.bridge_port = bridge_port
        self.vpcd_port = vpcd_port
        self.say = say or print
        self.pcscd: Pcscd | None = None
        self.served: ServedCard | None = None
        self.bridge: Bridge | None = None

    # -- start ---------------------------------------------------------------------------
    def start(self) -> BackgroundCardStack:
        if self._start_pcscd():
            self._start_card()
            self._start_bridge()
        return self

    def _start_pcscd(self) -> bool:
        if not stack_installed():
            self.say("card stack: not started: pcscd or vsmartcard-vpcd is not installed "
                     "(as root: apt-get install -y pcscd vsmartcard-vpcd, or `make install`)")
            return False
        running = pcscd_running()
        if not running:
            if os.geteuid() != 0:
                self.say(f"card stack: not started: pcscd is not running and only root can start it "
                         f"(uid {os.geteuid()}); start it as root (`sudo pcscd`) and restart `rasim serve`")
                return False
            if not port_free(self.vpcd_port):
                self.say(f"card stack: not started: vpcd port {self.vpcd_port} is in use by another process, "
                         "so pcscd's Virtual PCD reader cannot listen there")
                return False
        daemon = Pcscd()
        daemon.die_with_parent = True
        try:
            daemon.start(timeout=15.0 if not running else 5.0)
        except PcscdError as exc:
            self.say(f"card stack: not started: {one_line(exc)}")
            return False
        self.pcscd = daemon
        if daemon.owned:
            self.say(f"card stack: started pcscd (pid {daemon.pid}); it stops with the server")
        else:
            self.say("card stack: pcscd already runs; using it and leaving it alone")
        return True

    def _start_card(self) -> None:
        card_id = self.card_id
        if card_id and not self.store.exists(card_id):
            self.say(f"card stack: no card {card_id!r} in {self.store.root} (run `rasim seed --demo` or "
                     "`rasim card demo`); serving an empty reader")
            card_id = None
        if self.vpcd_port == VPCD_PORT and card_present():
            self.say(f"card stack: card server not started: a card is already in the {DEFAULT_READER} reader "
                     f"(another `rasim card serve` on vpcd port {self.vpcd_port}?)")
            return
        served = ServedCard(self.store.root, card_id, port=self.vpcd_port)
        served.die_with_parent = True
        try:
            served.start()
        except (PcscdError, RuntimeError, OSError) as exc:
            self.say(f"card stack: card server not started: {one_line(exc)}")
            return
        self.served = served
        what = f"card {card_id}" if card_id else "no card"
        self.say(f'card stack: {what} in the "{DEFAULT_READER}" reader (rasim card serve, pid {served.pid}, '
                 f"cards in {self.store.root})")

    def _start_bridge(self) -> None:
        if not port_free(self.bridge_port):
            self.say(f"card stack: bridge not started: port {self.bridge_port} is in use "
                     "(another `rasim card bridge`?)")
            return
        bridge = Bridge(self.bridge_port, self.origins)
        bridge.die_with_parent = True
        try:
            bridge.start()
        except (RuntimeError, OSError) as exc:
            self.say(f"card stack: bridge not started: {one_line(exc)}")
            return
        self.bridge = bridge
        self.say(f"card stack: card bridge on {bridge.url} (pid {bridge.pid}) for the pages at "
                 f"{', '.join(self.origins) or 'http://127.0.0.1:8080'}")

    @property
    def ready(self) -> bool:
        return self.served is not None and self.bridge is not None

    def how_to_swap(self) -> list[str]:
        """What to tell the person once the stack runs."""
        if self.served is None:
            return []
        others = [i for i in ("demo-foreign-national", "demo-legal-representative", "demo-relative")
                  if i != self.served.card_id and self.store.exists(i)]
        cards_opt = "" if _is_default_cards_dir(self.store.root) else f" --cards-dir {self.store.root}"
        port_opt = "" if self.vpcd_port == VPCD_PORT else f" --port {self.vpcd_port}"
        lines = ["card stack: demo cards: authentication PIN 1234, signature PIN ABC123"]
        if others:
            lines.append(f"card stack: swap the card with `rasim card{cards_opt} insert {others[-1]}{port_opt}` "
                         f"(or {', '.join(others[:-1]) or 'any id from `rasim card list`'}); "
                         f"`rasim card{cards_opt} remove{port_opt}` empties the reader")
        return lines

    # -- stop ----------------------------------------------------------------------------
    def stop(self) -> list[str]:
        """Stop what was started (bridge, card server, then pcscd if we started it)."""
        stopped = []
        if self.bridge is not None:
            self.bridge.stop()
            self.bridge = None
            stopped.append("bridge")
        if self.served is not None:
            self.served.stop()
            self.served = None
            stopped.append("card server")
        if self.pcscd is not None:
            if self.pcscd.owned:
                stopped.append("pcscd")
            self.pcscd.stop()  # a pcscd we did not start is left running
            self.pcscd = None
        return stopped


def _is_default_cards_dir(path: Path) -> bool:
    try:
        return path.resolve() == Path("var/cards").resolve()  # what another terminal's `rasim card` uses
    except OSError:
        return False
