"""`rasim serve` with its card stack: what `make run` gives a person on a fresh machine.

`rasim serve` runs as a real subprocess on a temporary database, var and cards folder (seeded
with `rasim seed --demo`). With the card stack it starts pcscd (unless one runs), `rasim card
serve demo-foreign-national` and `rasim card bridge`: the bridge must answer GET /status with
the demo card present and both certificates valid, through the real pcscd, for the server's
origins; stopping the server (SIGTERM, or Ctrl-C to the process group) must stop everything it
started. `--no-card-stack` starts nothing.

These tests need the vpcd port 35963 that tests/card, tests/integration/test_card_bridge.py and
tests/browser use too: if another card is connected there (someone else's run), they wait for it
to go rather than fail spuriously. If pcscd cannot start they FAIL with the reason — never skip.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.card_bridge import free_port, http
from virtual_card.stack import (
    BackgroundCardStack,
    pcscd_running,
    port_free,
)
from virtual_card.vpcd import VPCD_PORT

pytestmark = pytest.mark.card

ROOT = Path(__file__).resolve().parents[2]
PORT_WAIT = 120.0        # seconds to wait for someone else's card to leave the vpcd port


def get_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=15) as r:
        assert r.status == 200
        return r.read().decode("utf-8")


def rasim_command() -> list[str]:
    script = Path(sys.executable).parent / "rasim"
    return [str(script)] if script.exists() else [sys.executable, "-c", "from simulator.cli import run; run()"]


# -- /proc helpers (no psutil) -----------------------------------------------------------
def _tcp_rows() -> list[tuple[int, int, str]]:
    """(local port, remote port, state) of every IPv4/IPv6 TCP socket on this machine."""
    rows = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, remote, state = parts[1], parts[2], parts[3]
            rows.append((int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16), state))
    return rows


def vpcd_connections(port: int = VPCD_PORT) -> int:
    """Established TCP connections to the vpcd port, i.e. cards inserted into the virtual reader."""
    return sum(1 for local, _remote, state in _tcp_rows() if local == port and state == "01")


def vpcd_listening(port: int = VPCD_PORT) -> bool:
    return any(local == port and state == "0A" for local, _remote, state in _tcp_rows())


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[1])


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def card_parts(pid: int) -> dict[int, str]:
    """What ``rasim serve`` started beside gunicorn's workers (its own forks, named "gunicorn: worker"
    by setproctitle or carrying the master's command line)."""
    master = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    return {child: cmd for child, cmd in descendants(pid).items()
            if not (cmd.startswith("gunicorn: worker") or (cmd == master and _ppid(child) == pid))}


def descendants(pid: int) -> dict[int, str]:
    """Living descendants of ``pid`` with their command lines."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    out: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
            except OSError:
                continue
            out[child] = cmd
            todo.append(child)
    return out


def wait_for(predicate, timeout: float, interval: float = 0.1) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def wait_for_free_vpcd_port() -> None:
    """Wait (bounded) until no other card sits on the vpcd port; note it when we had to wait."""
    def free() -> bool:
        return vpcd_connections() == 0 and (pcscd_running() or port_free(VPCD_PORT))

    if free():
        return
    started = time.monotonic()
    if not wait_for(free, PORT_WAIT, interval=1.0):
        pytest.fail(f"vpcd port {VPCD_PORT} stayed busy for {PORT_WAIT:.0f} s "
                    f"({vpcd_connections()} card connection(s); pcscd running: {pcscd_running()}); "
                    "another card test (tests/card, tests/browser) is probably using it", pytrace=False)
    print(f"note: waited {time.monotonic() - started:.1f} s for vpcd port {VPCD_PORT} to be free")


# -- the server as a subprocess ------------------------------------------------------------
@dataclass
class Sandbox:
    env: dict[str, str]
    folder: Path


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    env = dict(os.environ,
               RASIM_DATABASE_URL=f"sqlite:///{tmp_path}/rasim.sqlite3",
               RASIM_VAR_DIR=str(tmp_path / "var"),
               RASIM_CARDS_DIR=str(tmp_path / "cards"),
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
               PYTHONUNBUFFERED="1")
    env.pop("RASIM_CARD_BRIDGE_URL", None)
    seeded = subprocess.run([*rasim_command(), "seed", "--demo"], env=env, cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    assert "demo-foreign-national" in seeded.stdout
    return Sandbox(env, tmp_path)


@dataclass
class Served:
    proc: subprocess.Popen
    log: Path
    port: int
    bridge_port: int
    children: dict[int, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stack_lines(self) -> list[str]:
        return [line for line in self.output().splitlines() if line.startswith("card stack:")]

    def stop(self, sig: signal.Signals = signal.SIGTERM, group: bool = False, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            if group:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
                pytest.fail(f"rasim serve did not stop within {timeout:.0f} s after {sig.name}:\n{self.output()}")
        return self.proc.returncode


def start_serve(sandbox: Sandbox, *extra: str) -> Served:
    port, bridge_port = free_port(), free_port()
    log = sandbox.folder / f"serve-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([*rasim_command(), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--bridge-port", str(bridge_port), *extra],
                                env=sandbox.env, cwd=sandbox.folder, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    served = Served(proc, log, port, bridge_port)

    def answering() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"rasim serve exited with {proc.returncode}:\n{served.output()}", pytrace=False)
        try:
            status, _, _ = http("GET", served.url + "/api/openapi.json")
            return status == 200
        except OSError:
            return False

    if not wait_for(answering, 90, interval=0.2):
        served.stop(signal.SIGKILL, group=True)
        pytest.fail(f"rasim serve did not answer on {served.url} within 90 s:\n{served.output()}", pytrace=False)
    served.children = descendants(proc.pid)
    return served


@pytest.fixture
def serving(sandbox: Sandbox) -> Iterator[tuple[Sandbox, list[Served]]]:
    started: list[Served] = []
    yield sandbox, started
    for served in started:   # whatever a failed test left behind
        if served.proc.poll() is None:
            served.stop(signal.SIGKILL, group=True)
        for pid in served.children:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


# -- tests -------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["sigterm", "ctrl-c"])
def test_serve_runs_the_card_stack_and_stops_it(serving, how: str) -> None:
    sandbox, started = serving
    wait_for_free_vpcd_port()
    pcscd_before = pcscd_running()
    served = start_serve(sandbox)
    started.append(served)
    lines = served.stack_lines()

    # the server answers, and says what it started
    assert "<html" in get_text(served.url + "/").lower()
    output = served.output()
    assert f"rasim serving on {served.url}/" in output

    # the bridge answers with the demo card in the reader, through the real pcscd
    try:
        code, headers, body = http("GET", f"http://127.0.0.1:{served.bridge_port}/status",
                                   headers={"Origin": served.url})
    except OSError as exc:
        pytest.fail(f"the card bridge does not answer ({exc}); the card stack said:\n" + "\n".join(lines),
                    pytrace=False)
    if not (code == 200 and body.get("ready")):
        pytest.fail(f"the card stack is not ready: {code} {body}; it said:\n" + "\n".join(lines), pytrace=False)
    assert body["reader"] is True and body["card"] is True and body["problem"] is None
    for key in ("auth", "sign"):
        assert body["certificates"][key]["present"] is True
        assert body["certificates"][key]["expired"] is False
    assert headers.get("Access-Control-Allow-Origin") == served.url
    localhost = f"http://localhost:{served.port}"
    code, headers, _ = http("GET", f"http://127.0.0.1:{served.bridge_port}/status", headers={"Origin": localhost})
    assert code == 200 and headers.get("Access-Control-Allow-Origin") == localhost
    code, _, _ = http("GET", f"http://127.0.0.1:{served.bridge_port}/status",
                      headers={"Origin": "http://evil.example"})
    assert code == 403
    assert vpcd_connections() == 1

    # the pages look for the bridge where it runs
    page = get_text(served.url + "/login/card")
    assert f'data-bridge="http://127.0.0.1:{served.bridge_port}"' in page

    # a card login as the login page does it: server challenge, the bridge signs, form posted
    assert login_with_the_demo_card(served).endswith("/menu")

    # it told the person what runs and how to swap cards
    text = "\n".join(lines)
    assert "card demo-foreign-national in the" in text
    assert f"card bridge on http://127.0.0.1:{served.bridge_port}" in text
    assert "PIN 1234" in text and "ABC123" in text
    assert "insert demo-" in text and "remove" in text
    assert ("pcscd already runs" if pcscd_before else "started pcscd") in text

    kinds = " | ".join(served.children.values())
    assert " serve " in kinds and " bridge " in kinds, served.children
    assert ("pcscd" in kinds) != pcscd_before, served.children

    # stopping the server stops everything it started
    rc = served.stop(signal.SIGTERM) if how == "sigterm" else served.stop(signal.SIGINT, group=True)
    assert rc == 0, served.output()
    assert wait_for(lambda: not any(alive(pid) for pid in served.children), 15), \
        {pid: cmd for pid, cmd in served.children.items() if alive(pid)}
    assert "card stack: stopped bridge, card server" in served.output()
    assert wait_for(lambda: vpcd_connections() == 0, 10), "a card is still connected to vpcd"
    assert port_free(served.bridge_port)
    if pcscd_before:
        assert pcscd_running(), "a pcscd that was running before must be left alone"
    else:
        assert not pcscd_running() and not vpcd_listening(), "the pcscd rasim serve started is still running"
        assert port_free(VPCD_PORT)


def login_with_the_demo_card(served: Served) -> str:
    """What card.js does on 「外国人本人・その他」 login, over HTTP; returns where the login leads."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect())

    def post(path: str, data: dict[str, str]):  # noqa: ANN202
        body = urllib.parse.urlencode(data).encode()
        try:
            return opener.open(urllib.request.Request(served.url + path, data=body), timeout=15)
        except urllib.error.HTTPError as exc:
            return exc

    page = opener.open(served.url + "/login/card", timeout=15).read().decode()
    tokens = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
              for name in ("csrf_token", "screen_token") if f'name="{name}"' in page}
    made = json.loads(post("/card/challenge", {"purpose": "login", "csrf_token": tokens["csrf_token"]}).read())
    code, _, signed = http("POST", f"http://127.0.0.1:{served.bridge_port}/sign",
                           {"key": "auth", "pin": "1234", "challenge": made["challenge"]},
                           headers={"Origin": served.url})
    assert code == 200, signed
    answer = post("/login/card", {**tokens, "challenge_id": made["challenge_id"],
                                  "authentication_certificate": signed["certificate"],
                                  "signature": signed["signature"],
                                  "auth_id": "demoforeign01", "password": "Demo12345!"})
    assert answer.status == 302, answer.read().decode()[-2000:]
    return answer.headers["Location"]


def test_no_card_stack_starts_nothing(serving) -> None:
    sandbox, started = serving
    pcscd_before = pcscd_running()
    served = start_serve(sandbox, "--no-card-stack")
    started.append(served)
    time.sleep(0.5)
    assert card_parts(served.proc.pid) == {}
    assert served.stack_lines() == []
    assert port_free(served.bridge_port)
    assert pcscd_running() == pcscd_before
    assert served.stop(signal.SIGTERM) == 0


def test_a_part_that_cannot_start_gives_one_line_and_starts_nothing(tmp_path: Path, monkeypatch) -> None:
    """Not root / port in use / not installed: one line with the reason, nothing left running."""
    import virtual_card.stack as stack_module

    said: list[str] = []
    monkeypatch.setattr(stack_module, "VPCD_DRIVER", tmp_path / "missing-libifdvpcd.so")
    stack = BackgroundCardStack(tmp_path / "cards", "demo-foreign-national", say=said.append).start()
    assert len(said) == 1 and "vsmartcard-vpcd is not installed" in said[0]
    assert stack.pcscd is None and stack.served is None and stack.bridge is None and stack.stop() == []

    monkeypatch.undo()
    said.clear()
    monkeypatch.setattr(stack_module, "stack_installed", lambda: True)
    monkeypatch.setattr(stack_module, "pcscd_running", lambda: False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        if os.geteuid() == 0:
            stack = BackgroundCardStack(tmp_path / "cards", None, vpcd_port=port, say=said.append).start()
            assert said == [f"card stack: not started: vpcd port {port} is in use by another process, "
                            "so pcscd's Virtual PCD reader cannot listen there"]
        else:
            stack = BackgroundCardStack(tmp_path / "cards", None, vpcd_port=port, say=said.append).start()
            assert len(said) == 1 and "only root can start it" in said[0]
    assert stack.stop() == []
    assert all(re.match(r"card stack: ", line) for line in said)
