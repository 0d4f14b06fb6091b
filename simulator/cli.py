"""`rasim` — the command line: serve, db, seed, clock, mail, card, bulk, bench, conformance."""
from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from virtual_card.bench import card_bench
from virtual_card.cli import card as card_group


def _app():  # noqa: ANN202
    from simulator.web.app import create_app

    return create_app()


def _run(use_case, *args: Any, actor: str = "cli") -> Any:  # noqa: ANN001
    """Run a use case in the services' unit of work, configured from the environment (no web app)."""
    from simulator import catalog
    from simulator.adapters.db import make_engine, make_session_factory
    from simulator.adapters.jpki import JpkiVerifier
    from simulator.domain.errors import RuleViolation
    from simulator.services import unit_of_work
    from simulator.web.app import config_from_env

    config = config_from_env()
    engine = make_engine(config["RASIM_DATABASE_URL"])
    settings = unit_of_work.Settings(
        sessions=make_session_factory(engine), edition=config["RASIM_EDITION"], smtp_url=config["RASIM_SMTP_URL"],
        jpki=JpkiVerifier(config["RASIM_CARDS_DIR"]))
    caller = unit_of_work.Caller(actor=actor, channel="cli",
                                 base_url=config["RASIM_BASE_URL"] or unit_of_work.DEFAULT_BASE_URL)
    try:
        return unit_of_work.run(settings, caller, use_case, *args)
    except RuleViolation as v:
        lines = [f"{p.code}: {' ('.join(catalog.message(p.code).render(p.params))})" for p in v.problems]
        raise click.ClickException("\n".join(lines)) from None
    finally:
        engine.dispose()


def _set_edition(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """`--edition` is RASIM_EDITION for this command (and the gunicorn workers it starts)."""
    if value:
        os.environ["RASIM_EDITION"] = value
    return value


def edition_option(what: str):  # noqa: ANN201 - a click decorator
    from simulator import catalog

    return click.option("--edition", type=click.Choice(catalog.edition_names()), default=None, expose_value=False,
                        is_eager=True, callback=_set_edition,
                        help=f"Which system {what}: 2024 (the FAQ's, 認証ID) or 2026 (today's, manual 003, "
                             f"利用者ID) [default: RASIM_EDITION, else {catalog.edition().name}].")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="rasim")
def main() -> None:
    """rasim: a reference simulator and test harness for Japan's Residence Application Online
    System (在留申請オンラインシステム).

    Settings come from the environment: RASIM_DATABASE_URL (default sqlite:///var/rasim.sqlite3),
    RASIM_EDITION (2024 or 2026), RASIM_TEST_SUPPORT (1/0, on/off, true/false, yes/no),
    RASIM_BASE_URL (where mail links point), RASIM_SMTP_URL, RASIM_CARDS_DIR, RASIM_JPKI_TRUST_DIR,
    RASIM_CARD_BRIDGE_URL, RASIM_MAX_REQUEST_BYTES, RASIM_TICK_SECONDS (the served ticker, default 1)."""


@main.command()
@edition_option("to serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes (more than 1: use PostgreSQL through RASIM_DATABASE_URL).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Requests each worker answers at once (gunicorn's gthread workers).")
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="Run migrations first.")
@click.option("--card-stack/--no-card-stack", default=None,
              help="Also run the virtual card for the pages: pcscd (if none runs), `rasim card serve "
                   "DEMO_CARD` and `rasim card bridge`, all stopped with the server "
                   "[default: on when pcscd and vsmartcard-vpcd are installed].")
@click.option("--demo-card", default="demo-foreign-national", show_default=True, metavar="CARD",
              help="The card put into the reader (from RASIM_CARDS_DIR; `rasim seed --demo` creates the demo cards).")
@click.option("--bridge-port", default=35980, show_default=True, type=int,
              help="Port of the card bridge (another port also sets RASIM_CARD_BRIDGE_URL for the pages).")
def serve(host: str, port: int, workers: int, threads: int, migrate: bool, card_stack: bool | None, demo_card: str,
          bridge_port: int) -> None:
    """Serve the simulator (screens at /, API at /api/v1, OpenAPI at /api/openapi.json) through gunicorn,
    even with one worker; each worker fires what falls due every RASIM_TICK_SECONDS (default 1).

    With the card stack (the default where pcscd is installed) a demo card sits in the
    "Virtual PCD" reader and the registration and login pages reach it through the bridge:
    authentication PIN 1234, signature PIN ABC123. Swap it with `rasim card insert ID`.
    """
    from simulator.web import serving, ticker
    from simulator.web.app import config_from_env

    try:
        ticker.interval()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if migrate:
        from simulator.adapters.migrate import upgrade

        upgrade(config_from_env()["RASIM_DATABASE_URL"])
    # links in mails point at this server unless RASIM_BASE_URL says otherwise (never at a Host header)
    link_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else _url_host(host)
    os.environ.setdefault("RASIM_BASE_URL", f"http://{link_host}:{port}")
    stack = _start_card_stack(host, port, card_stack, demo_card, bridge_port)
    click.echo(f"rasim serving on http://{_url_host(host)}:{port}/ (edition {config_from_env()['RASIM_EDITION']}; "
               f"gunicorn, {workers} worker(s) × {threads} threads)")
    status = 0
    try:
        status = serving.serve(_app, host, port, workers, threads, post_worker_init=serving.start_ticker)
    finally:
        if stack is not None:
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            stopped = stack.stop()
            if stopped:
                click.echo(f"card stack: stopped {', '.join(stopped)}")
    sys.exit(status)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _start_card_stack(host: str, port: int, wanted: bool | None, demo_card: str,
                      bridge_port: int):  # noqa: ANN202 - BackgroundCardStack | None
    """Start pcscd, the card server and the bridge for `serve`; None when not wanted or not possible."""
    from virtual_card.stack import BackgroundCardStack, stack_installed
    from virtual_card.store import default_cards_dir

    if wanted is None:
        wanted = stack_installed()
        if not wanted:
            click.echo("card stack: off (pcscd or vsmartcard-vpcd is not installed; `make install` as root "
                       "installs them); the card pages will say that no card reader is found")
            return None
    if not wanted:
        return None
    origins = list(dict.fromkeys(f"http://{h}:{port}" for h in (_url_host(host), "127.0.0.1", "localhost")
                                 if h not in ("0.0.0.0", "[::]")))
    if bridge_port != 35980 and not os.environ.get("RASIM_CARD_BRIDGE_URL"):
        os.environ["RASIM_CARD_BRIDGE_URL"] = f"http://127.0.0.1:{bridge_port}"
    stack = BackgroundCardStack(default_cards_dir(), demo_card, origins=origins, bridge_port=bridge_port,
                                say=click.echo)
    try:
        stack.start()
    except BaseException:
        stack.stop()
        raise
    for line in stack.how_to_swap():
        click.echo(line)
    if not stack.ready:
        click.echo("card stack: serving without the card in the browser (the card pages show RASIM460E)")
    return stack


@main.group()
def db() -> None:
    """The database (migrations)."""


@db.command("upgrade")
@click.option("--url", envvar="RASIM_DATABASE_URL", default=None, help="SQLAlchemy URL (default: RASIM_DATABASE_URL).")
def db_upgrade(url: str | None) -> None:
    """Create or migrate the tables to the newest revision."""
    from simulator.adapters.migrate import upgrade
    from simulator.web.app import config_from_env

    target = url or config_from_env()["RASIM_DATABASE_URL"]
    upgrade(target)
    click.echo(f"database at {target.split('@')[-1]} is up to date")


@main.command()
@edition_option("the demo accounts are made for")
@click.option("--demo", is_flag=True, help="Create the demo accounts and registry entries.")
@click.option("--json", "as_json", is_flag=True, help="Print the demo accounts as JSON.")
@click.option("--certificate", "certificates", multiple=True, metavar="NUMBER:KIND:NAME:BIRTH:VALID_UNTIL",
              help="Add an agent certificate to the registry, e.g. 132010700050:lawyer:法務太郎:1980-01-02:2030-03-31")
def seed(demo: bool, as_json: bool, certificates: tuple[str, ...]) -> None:
    """Seed the registry and, with --demo, one ready account per category."""
    from simulator.adapters.migrate import upgrade
    from simulator.services import demo as demo_service
    from simulator.services import registry
    from simulator.web.app import config_from_env

    upgrade(config_from_env()["RASIM_DATABASE_URL"])
    if not demo and not certificates:
        raise click.UsageError("nothing to seed: give --demo and/or --certificate")
    for spec in certificates:
        parts = spec.split(":")
        if len(parts) != 5:
            raise click.BadParameter(f"{spec!r}: expected NUMBER:KIND:NAME:BIRTH:VALID_UNTIL",
                                     param_hint="--certificate")
        number, kind, name, birth, until = parts
        _run(registry.put_certificate, {"number": number, "kind": kind, "name": name, "birth_date": birth,
                                        "valid_until": until})
        if not as_json:
            click.echo(f"registry: {number} ({kind}) valid until {until}")
    if demo:
        accounts = _run(demo_service.seed_demo, _demo_cards(config_from_env()["RASIM_CARDS_DIR"]))
        records = _run(demo_service.seed_demo_records)
        if as_json:
            click.echo(json.dumps({"accounts": accounts, "residence_records": records}, ensure_ascii=False, indent=2))
        else:
            click.echo(f"{'category':<28} {'user id':<16} {'password':<12} card (auth PIN / sign PIN)")
            for a in accounts:
                card = f"{a['card']} ({a['auth_pin']} / {a['sign_pin']})" if a.get("card") else ""
                click.echo(f"{a['category']:<28} {a['user_id']:<16} {a['password']:<12} {card}")
            click.echo("")
            click.echo("residence records (type the name with commas: NGUYEN,VAN,AN)")
            click.echo(f"{'for':<16} {'card number':<13} {'name':<16} {'nat.':<4} {'sex':<6} {'born':<10} "
                       f"{'status (period)':<52} {'stay until':<10} address")
            for r in records:
                status = f"{r['status_of_residence']} ({r['period_of_stay']})"
                click.echo(f"{r['for']:<16} {r['residence_card_number']:<13} {r['name']:<16} {r['nationality']:<4} "
                           f"{r['sex']:<6} {r['birth_date']:<10} {status:<52} {r['stay_expires_on']:<10} "
                           f"{r['address_municipality']} {r['address']}{r['address_street']}")


def _demo_cards(cards_dir: str) -> list[dict[str, Any]]:
    """The demo cards (issued when missing, PIN counters refilled) with their certificates, for seed_demo."""
    from virtual_card.demo import ensure_demo_cards
    from virtual_card.store import CardStore

    store = CardStore(cards_dir)
    return [{**card, "auth_certificate": store.certificate(card["id"], "auth"),
             "sign_certificate": store.certificate(card["id"], "sign")}
            for card in ensure_demo_cards(store.root, reset_pins=True)]


@main.group()
def clock() -> None:
    """The test clock shared by every worker."""


@clock.command("show")
def clock_show() -> None:
    """Print the clock."""
    from simulator.services import clock as svc

    click.echo(json.dumps(_run(svc.get_clock), ensure_ascii=False))


@clock.command("advance")
@click.option("--days", type=float, default=0)
@click.option("--hours", type=float, default=0)
@click.option("--minutes", type=float, default=0)
def clock_advance(days: float, hours: float, minutes: float) -> None:
    """Advance the clock and fire what fell due, in time order."""
    from simulator.services import clock as svc

    out = _run(svc.advance_clock, {"days": days, "hours": hours, "minutes": minutes})
    click.echo(f"now {out['now']} (fired {len(out['fired'])} events)")
    for ev in out["fired"]:
        click.echo(f"  {ev['due_at']}  {ev['kind']}")


@clock.command("set")
@click.argument("when")
@click.option("--run/--freeze", "running", default=False, help="Keep the clock running from WHEN (default: frozen).")
def clock_set(when: str, running: bool) -> None:
    """Set the clock to WHEN (ISO date-time, Japan time), frozen unless --run."""
    from simulator.services import clock as svc

    out = _run(svc.set_clock, {"now": when, "freeze": not running})
    click.echo(f"now {out['now']} (fired {len(out['fired'])} events)")


@clock.command("freeze")
def clock_freeze() -> None:
    """Stop the clock where it stands."""
    from simulator.services import clock as svc

    click.echo(_run(svc.freeze_clock)["now"])


@clock.command("resume")
@click.option("--real", is_flag=True, help="Go back to real time.")
def clock_resume(real: bool) -> None:
    """Let the clock run again."""
    from simulator.services import clock as svc

    click.echo(_run(svc.resume_clock, {"real": real})["now"])


@main.command("mail")
@click.option("--to", default=None, help="Only mails to this address.")
@click.option("--limit", default=20, show_default=True)
def mail_list(to: str | None, limit: int) -> None:
    """Show the newest mails of the outbox."""
    from simulator.services.outbox import list_mails

    mails = _run(list_mails, {"to": to, "limit": limit, "newest": True})["mails"]
    for m in reversed(mails):
        click.echo(f"#{m['id']} {m['sent_at'][:16].replace('T', ' ')} {m['to']}  {m['subject']}"
                   + (f"\n      {m['url']}" if m["url"] else ""))


@main.group()
def bench() -> None:
    """Benchmarks that print figures."""


bench.add_command(card_bench, "card")
from simulator.bench_requests import requests_bench  # noqa: E402 - registered next to `bench card`

bench.add_command(requests_bench, "requests")
from simulator.bench_applications import applications_bench  # noqa: E402

bench.add_command(applications_bench, "applications")
from simulator.bench_bulk import bulk_bench  # noqa: E402

bench.add_command(bulk_bench, "bulk")
main.add_command(card_group, "card")
from simulator.cli_bulk import bulk as bulk_group  # noqa: E402

main.add_command(bulk_group, "bulk")
from simulator.cli_load import load as load_group  # noqa: E402

main.add_command(load_group, "load")

try:
    from conformance.cli import conformance as conformance_group

    main.add_command(conformance_group, "conformance")
except ImportError:  # pragma: no cover - the harness is part of the same package
    pass


def run() -> None:
    """Entry point: database trouble becomes a one-line error, not a traceback."""
    from sqlalchemy.exc import OperationalError

    try:
        main(standalone_mode=True)
    except OperationalError as exc:
        click.echo(f"Error: the database cannot be used: {exc.orig}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    run()
