"""`rasim card …`: issue, list, show, serve, insert, remove, revoke, reads, bridge."""
from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import click

from .store import CardStore, UnknownCard, default_cards_dir
from .vpcd import VPCD_PORT


def _store(ctx: click.Context) -> CardStore:
    return CardStore(ctx.obj["cards_dir"])


def _card_id(store: CardStore, card_id: str) -> str:
    try:
        store.folder(card_id)
    except UnknownCard as exc:
        raise click.ClickException(str(exc)) from None
    return card_id


@click.group(name="card")
@click.option("--cards-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the cards [default: $RASIM_CARDS_DIR or ./var/cards].")
@click.pass_context
def card(ctx: click.Context, cards_dir: Path | None) -> None:
    """Virtual My Number Cards: issue, list, serve, insert, remove."""
    ctx.ensure_object(dict)
    ctx.obj["cards_dir"] = cards_dir or default_cards_dir()


@card.command()
@click.option("--name", required=True, help="Full name as on the card, e.g. 'NGUYEN VAN AN'.")
@click.option("--dob", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Date of birth, YYYY-MM-DD.")
@click.option("--sex", required=True, help="M, F or X (ISO 5218 digits 1, 2, 9 also accepted).")
@click.option("--address", required=True, help="Address as on the card.")
@click.option("--auth-pin", help="Authentication PIN, 4 digits [default: random].")
@click.option("--sign-pin", help="Signature PIN, 6-16 upper-case letters/digits [default: random].")
@click.option("--my-number", help="The 12-digit My Number [default: random with a valid check digit].")
@click.option("--id", "card_id", help="Card id [default: card-XXXXXX].")
@click.option("--not-after", type=click.DateTime(["%Y-%m-%d"]),
              help="Certificates end on this day [default: 5 years from now].")
@click.option("--expired", is_flag=True, help="Certificates already expired (ended yesterday).")
@click.option("--revoked", is_flag=True, help="Certificates on the CA's revocation list.")
@click.option("--blocked", is_flag=True, help="Authentication PIN blocked (no tries left).")
@click.option("--blocked-sign", is_flag=True, help="Signature PIN blocked (no tries left).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_context
def issue(ctx: click.Context, name: str, dob: datetime, sex: str, address: str, auth_pin: str | None,
          sign_pin: str | None, my_number: str | None, card_id: str | None, not_after: datetime | None,
          expired: bool, revoked: bool, blocked: bool, blocked_sign: bool, as_json: bool) -> None:
    """Issue a card (keys, certificates from the test CA, PINs) and keep it in the cards folder."""
    from .issuing import issue_card
    from .model import BasicFour, parse_sex

    try:
        holder = BasicFour(name, address, dob.date(), parse_sex(sex))
        end = not_after.replace(hour=23, minute=59, second=59, tzinfo=UTC) if not_after else None
        issued = issue_card(_store(ctx), holder, auth_pin=auth_pin, sign_pin=sign_pin, my_number=my_number,
                            card_id=card_id, expired=expired, revoked=revoked, blocked=blocked,
                            blocked_sign=blocked_sign, not_after=end)
    except (ValueError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(issued.to_json(), ensure_ascii=False))
        return
    click.echo(f"card id:   {issued.card_id}")
    click.echo(f"auth PIN:  {issued.auth_pin}   (also the card-info PIN)")
    click.echo(f"sign PIN:  {issued.sign_pin}")
    click.echo(f"folder:    {issued.folder}")


@card.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_cards(ctx: click.Context, as_json: bool) -> None:
    """List the cards in the cards folder."""
    store = _store(ctx)
    rows = []
    for card_id in store.ids():
        rec = store.record(card_id)
        tries = store.tries_left(card_id)
        rows.append({"id": card_id, "name": rec.holder.name, "date_of_birth": rec.holder.date_of_birth.isoformat(),
                     "tries_left": tries, "flags": {k: v for k, v in rec.flags.items() if v is True}})
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"no cards in {store.root} — issue one with `rasim card issue`")
        return
    click.echo(f"{'ID':<26} {'NAME':<28} {'BORN':<10}  AUTH SIGN  FLAGS")
    for r in rows:
        t = r["tries_left"]
        click.echo(f"{r['id']:<26} {r['name'][:28]:<28} {r['date_of_birth']:<10}  "
                   f"{t.get('jpki.auth', '?'):>4} {t.get('jpki.sign', '?'):>4}  {' '.join(r['flags']) or '-'}")


@card.command()
@click.argument("card_id", metavar="CARD")
@click.pass_context
def show(ctx: click.Context, card_id: str) -> None:
    """Show a card: holder, PINs, tries left, certificates and their status."""
    from .ca import TestCA, load_certificate

    store = _store(ctx)
    _card_id(store, card_id)
    rec = store.record(card_id)
    tries = store.tries_left(card_id)
    ca = TestCA.open(store.ca_dir)
    click.echo(f"card id:      {card_id}")
    click.echo(f"name:         {rec.holder.name}")
    click.echo(f"address:      {rec.holder.address}")
    click.echo(f"born:         {rec.holder.date_of_birth.isoformat()}")
    click.echo(f"sex:          {rec.holder.sex_label} ({rec.holder.sex})")
    click.echo(f"My Number:    {rec.my_number}")
    for pin_id, label in (("jpki.auth", "auth PIN"), ("jpki.sign", "sign PIN"), ("info", "info PIN")):
        spec = rec.pins[pin_id]
        click.echo(f"{label + ':':<13} {spec['value']:<16} {tries.get(pin_id)}/{spec['max_tries']} tries left")
    for kind in ("auth", "sign"):
        cert = load_certificate(store.certificate(card_id, kind))
        result = ca.verify_chain(cert)
        click.echo(f"{kind} cert:    serial {cert.serial_number:x}, {cert.not_valid_before_utc:%Y-%m-%d} .. "
                   f"{cert.not_valid_after_utc:%Y-%m-%d}, status {result.status} ({result.reason})")


@card.command()
@click.argument("card_id", metavar="CARD")
@click.pass_context
def revoke(ctx: click.Context, card_id: str) -> None:
    """Revoke both certificates of a card (they go on the CA's CRL)."""
    from .issuing import revoke_card

    store = _store(ctx)
    _card_id(store, card_id)
    serials = revoke_card(store, card_id)
    click.echo(f"revoked {card_id}: serials {', '.join(f'{s:x}' for s in serials)}; "
               f"CRL at {store.ca_dir / 'crl.pem'}")


@card.command()
@click.argument("card_id", metavar="CARD")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@click.pass_context
def reads(ctx: click.Context, card_id: str, as_json: bool) -> None:
    """Show the log of reads of the My Number file (the system must never read it)."""
    store = _store(ctx)
    _card_id(store, card_id)
    entries = store.my_number_reads(card_id)
    if as_json:
        for e in entries:
            click.echo(json.dumps(e))
        return
    if not entries:
        click.echo(f"{card_id}: the My Number has never been read")
        return
    for e in entries:
        click.echo(f"{e['at']}  offset {e['offset']} length {e['length']}  SW {e['sw']}  pid {e['pid']}")
    click.echo(f"{len(entries)} read(s)")


@card.command()
@click.argument("card_id", metavar="[CARD]", required=False)
@click.option("--port", default=VPCD_PORT, show_default=True, help="vpcd port (35964 is the second slot).")
@click.option("--host", default="127.0.0.1", show_default=True, help="vpcd host.")
@click.option("-v", "--verbose", is_flag=True, help="Log every event.")
@click.option("--no-quickack", is_flag=True, hidden=True, help="Benchmark only: do not re-arm TCP_QUICKACK.")
@click.option("--no-nodelay", is_flag=True, hidden=True, help="Benchmark only: leave Nagle on.")
@click.option("--split-writes", is_flag=True, hidden=True, help="Benchmark only: prefix and payload apart.")
@click.pass_context
def serve(ctx: click.Context, card_id: str | None, port: int, host: str, verbose: bool, no_quickack: bool,
          no_nodelay: bool, split_writes: bool) -> None:
    """Put CARD into pcscd's "Virtual PCD" reader until Ctrl-C.

    While it runs, `rasim card insert OTHER` and `rasim card remove` swap the card.
    """
    from .server import CardServer

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr)
    store = _store(ctx)
    if card_id:
        _card_id(store, card_id)
    server = CardServer(store, host=host, port=port, quickack=not no_quickack, nodelay=not (no_nodelay or split_writes),
                        split_writes=split_writes)
    server.on_event = lambda text: click.echo(text, err=True)
    try:
        server.open_control()  # fail early if another server runs for this port
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    if card_id:
        server.insert(card_id)
        if not server.link or not server.link.connected:
            click.echo(f"waiting for vpcd on {host}:{port} (is pcscd running with vsmartcard-vpcd?)", err=True)
    click.echo(f"serving on vpcd {host}:{port}; control socket {server.control_path}; Ctrl-C to stop", err=True)
    # stop cleanly on Ctrl-C and on SIGTERM, also when started in the background (SIGINT ignored)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: server.stop())
    try:
        server.serve_forever()
    finally:
        server.close()
        click.echo("stopped", err=True)


def _control(ctx: click.Context, request: dict, port: int) -> dict:
    from .server import send_control

    try:
        reply = send_control(_store(ctx), request, port=port)
    except ConnectionError as exc:
        raise click.ClickException(str(exc)) from None
    if not reply.get("ok"):
        raise click.ClickException(reply.get("error", "failed"))
    return reply


@card.command()
@click.argument("card_id", metavar="CARD")
@click.option("--port", default=VPCD_PORT, show_default=True, help="Port of the running `card serve`.")
@click.pass_context
def insert(ctx: click.Context, card_id: str, port: int) -> None:
    """Insert CARD into the reader of a running `rasim card serve` (replacing the current one)."""
    _card_id(_store(ctx), card_id)
    reply = _control(ctx, {"cmd": "insert", "card": card_id}, port)
    click.echo(f"inserted {reply['card']}" + ("" if reply.get("connected") else " (waiting for vpcd)"))


@card.command()
@click.option("--port", default=VPCD_PORT, show_default=True, help="Port of the running `card serve`.")
@click.pass_context
def remove(ctx: click.Context, port: int) -> None:
    """Remove the card from the reader of a running `rasim card serve`."""
    _control(ctx, {"cmd": "remove"}, port)
    click.echo("removed")


@card.command()
@click.option("--port", default=VPCD_PORT, show_default=True, help="Port of the running `card serve`.")
@click.pass_context
def status(ctx: click.Context, port: int) -> None:
    """Which card a running `rasim card serve` holds."""
    reply = _control(ctx, {"cmd": "status"}, port)
    click.echo(json.dumps({k: v for k, v in reply.items() if k != "ok"}))


@card.command()
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Create the demo cards (idempotent) and print their ids and PINs."""
    from .demo import ensure_demo_cards

    for c in ensure_demo_cards(_store(ctx).root):
        click.echo(f"{c['id']:<22} {c['role']:<22} auth PIN {c['auth_pin']}  sign PIN {c['sign_pin']}  {c['name']}")


@card.command()
@click.option("--port", default=35980, show_default=True, help="Port of the bridge on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it loopback).")
@click.option("--reader", default=None, help='Reader name (or part of it) [default: "Virtual PCD"].')
@click.option("--allow-origin", "origins", multiple=True, metavar="URL",
              help="Another origin of the simulator's pages (repeatable); "
                   "http://127.0.0.1:8080 and http://localhost:8080 are always allowed.")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def bridge(port: int, host: str, reader: str | None, origins: tuple[str, ...], verbose: bool) -> None:
    """Let the simulator's pages use the card: the JPKI client software + Chrome extension stand-in.

    The registration and login pages (「外国人本人・その他」) call it from the browser to read the
    certificates and to have the card sign the server's challenge after the PIN is checked on
    the card. It never reads the My Number. Runs until Ctrl-C.
    """
    from .bridge import BridgeServer
    from .transport import DEFAULT_READER

    try:
        server = BridgeServer(host, port, reader or DEFAULT_READER, origins,
                              on_log=(lambda line: click.echo(line, err=True)) if verbose else None)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    allowed = ", ".join(sorted(server.allowed_origins))
    click.echo(f"card bridge on {server.url} (reader {reader or DEFAULT_READER!r}); pages allowed: {allowed}; "
               "Ctrl-C to stop", err=True)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    try:
        server.serve_forever()
    finally:
        server.server_close()
        click.echo("stopped", err=True)


def main() -> None:
    card(prog_name="rasim card")


if __name__ == "__main__":
    main()
