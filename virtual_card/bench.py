"""`rasim bench card`: APDU round trip and a full JPKI authentication through pcscd.

Starts pcscd if none runs, issues a throw-away card, serves it in a `card serve` subprocess
and measures from this process through pyscard -> pcscd -> vpcd -> the card and back.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import click

from .apdu import build
from .client import JpkiClient
from .issuing import issue_card
from .jpki import EF_AUTH_CERT, JPKI_AID
from .store import CardStore
from .testing import TEST_AUTH_PIN, TEST_HOLDER, TEST_SIGN_PIN, Pcscd, PcscdError, ServedCard

SELECT_JPKI = build(0x00, 0xA4, 0x04, 0x0C, JPKI_AID)


def _timed(label: str, n: int, fn: Callable[[], object], progress: bool) -> list[float]:
    samples = []
    with click.progressbar(range(n), label=f"{label:<34}", show_pos=True,
                           file=None if progress else open("/dev/null", "w")) as bar:
        for _ in bar:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def _row(name: str, samples: list[float]) -> tuple[str, int, float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return name, len(samples), statistics.median(samples), p95, ordered[-1]


def _full_authentication(client: JpkiClient) -> None:
    client.authenticate(TEST_AUTH_PIN, b"bench challenge")


def _read_256(client: JpkiClient) -> None:
    client.read_binary(0, 256)


def _measure(client: JpkiClient, apdus: int, auths: int, progress: bool, prefix: str) -> list[tuple]:
    select = _timed(f"{prefix}SELECT (APDU round trip)", apdus,
                    lambda: client.transport.transmit(SELECT_JPKI), progress)
    client.select_application(JPKI_AID)
    client.select_file(EF_AUTH_CERT)
    read = _timed(f"{prefix}READ BINARY 256 bytes", apdus, lambda: _read_256(client), progress)
    auth = _timed(f"{prefix}full authentication", auths, lambda: _full_authentication(client), progress)
    return [_row(f"{prefix}SELECT AP (APDU round trip)", select), _row(f"{prefix}READ BINARY 256 B", read),
            _row(f"{prefix}full authentication*", auth)]


@click.command(name="card")
@click.option("--apdus", default=1000, show_default=True, help="APDUs per round-trip measurement.")
@click.option("--auths", default=50, show_default=True, help="Full authentications to time.")
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Also measure the card as the stock vicc serves it (few APDUs: each costs ~44 ms).")
@click.option("--progress/--no-progress", default=True, show_default=True, help="Show progress bars.")
def card_bench(apdus: int, auths: int, compare: bool, progress: bool) -> None:
    """Benchmark the virtual card through pcscd: APDU round trip and full authentication."""
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="rasim-bench-") as tmp:
        store = CardStore(Path(tmp))
        click.echo("issuing a throw-away card …", err=True)
        issue_card(store, TEST_HOLDER, auth_pin=TEST_AUTH_PIN, sign_pin=TEST_SIGN_PIN, card_id="bench")

        in_process = JpkiClient.in_process(store.open_card("bench"))
        rows += _measure(in_process, apdus, auths, progress, "in-process: ")

        pcscd = Pcscd()
        try:
            pcscd.start()
        except PcscdError as exc:
            raise click.ClickException(f"pcscd could not start: {exc}") from None
        click.echo(f"pcscd: {'started for the benchmark' if pcscd.owned else 'already running'}", err=True)
        try:
            with ServedCard(store.root, "bench") as _served, JpkiClient.pcsc() as client:
                rows += _measure(client, apdus, auths, progress, "pcscd: ")
            if compare:
                slow = ServedCard(store.root, "bench", extra_args=("--no-quickack", "--no-nodelay"))
                with slow, JpkiClient.pcsc() as client:
                    n = max(5, min(50, apdus // 20))
                    rows += _measure(client, n, max(2, min(5, auths)), progress,
                                     "pcscd, as stock vicc: ")
        finally:
            pcscd.stop()

    click.echo("")
    click.echo(f"{'measurement':<50} {'n':>5} {'median ms':>10} {'p95 ms':>9} {'max ms':>9}")
    click.echo("-" * 87)
    for name, n, median, p95, worst in rows:
        click.echo(f"{name:<50} {n:>5} {median:>10.3f} {p95:>9.3f} {worst:>9.3f}")
    click.echo("* select JPKI AP, select + read the authentication certificate (header, then rest),")
    click.echo("  select + VERIFY the PIN, select the key, COMPUTE DIGITAL SIGNATURE (RSA-2048).")
    goal = next(r for r in rows if r[0].startswith("pcscd: SELECT"))[2]
    click.echo(f"goal: median APDU round trip through pcscd <= 1 ms -> {goal:.3f} ms "
               f"{'MET' if goal <= 1 else 'NOT MET'}")
