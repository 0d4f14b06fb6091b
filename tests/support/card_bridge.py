"""`rasim card bridge` as a subprocess for the tests (the real command, on a free port)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from virtual_card.testing import ManagedProcess, Pcscd, PcscdError, ServedCard

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BridgeProcess(ManagedProcess):
    def __init__(self, cards_dir: Path, origins: tuple[str, ...] = (), port: int | None = None):
        self.cards_dir = Path(cards_dir)
        self.origins = origins
        self.port = port or free_port()
        self.proc: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15.0) -> BridgeProcess:
        args = [sys.executable, "-m", "virtual_card", "--cards-dir", str(self.cards_dir), "bridge",
                "--port", str(self.port), "--verbose"]
        for origin in self.origins:
            args += ["--allow-origin", origin]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the bridge
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rasim card bridge exited with {self.proc.returncode}: {self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        out = self.output()
        self.stop()
        raise RuntimeError(f"rasim card bridge did not listen on {self.port} within {timeout:.0f} s: {out}")


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None,
         raw: bytes | None = None) -> tuple[int, dict[str, str], Any]:
    """One request; returns (status, headers, JSON body or None) also for error statuses."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    all_headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    req = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            content = r.read()
            return r.status, dict(r.headers), json.loads(content) if content else None
    except urllib.error.HTTPError as e:
        content = e.read()
        try:
            parsed = json.loads(content) if content else None
        except ValueError:
            parsed = content.decode("utf-8", "replace")
        return e.code, dict(e.headers), parsed


@contextmanager
def card_in_reader_with_bridge(cards_dir: Path, card_id: str, origins: tuple[str, ...] = (),
                               port: int | None = None) -> Iterator[tuple[ServedCard, BridgeProcess]]:
    """pcscd (running or started), the card in the "Virtual PCD" reader and `rasim card bridge`;
    a part that cannot start fails the test with the reason."""
    pcscd, served = Pcscd(), ServedCard(cards_dir, card_id)
    bridge = BridgeProcess(cards_dir, origins=origins, port=port)
    try:
        try:
            pcscd.start()
            served.start()
        except PcscdError as exc:
            pytest.fail(f"pcscd or the card server could not start: {exc}", pytrace=False)
        try:
            bridge.start()
        except RuntimeError as exc:
            pytest.fail(f"rasim card bridge could not start: {exc}", pytrace=False)
        yield served, bridge
    finally:
        bridge.stop()
        served.stop()
        pcscd.stop()
