"""`rasim` — the command line: serve, db, seed, clock, mail, card, bench, conformance."""
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
    from simulator.domain.errors import RuleViolation
    from simulator.web.errors import problem_json
    from simulator.web.runtime import run

    app = _app()
    with app.app_context():
        try:
            return run(use_case, *args, actor=actor)
        except RuleViolation as v:
            lines = [f"{p['code']}: {p['message']} ({p['message_en']})" for p in map(problem_json, v.problems)]
            raise click.ClickException("\n".join(lines)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="rasim")
def main() -> None:
    """rasim: a reference simulator and test harness for Japan's Residence Application Online
    System (在留申請オンラインシステム).

    Settings come from the environment: RASIM_DATABASE_URL (default sqlite:///var/rasim.sqlite3),
    RASIM_EDITION (2024), RASIM_TEST_SUPPORT (1), RASIM_SMTP_URL, RASIM_CARDS_DIR."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int,
              help="More than 1 runs gunicorn workers (use PostgreSQL through RASIM_DATABASE_URL).")
@click.option("--migrate/--no-migrate", default=True, show_default=True, help="Run migrations first.")
def serve(host: str, port: int, workers: int, migrate: bool) -> None:
    """Serve the simulator (screens at /, API at /api/v1, OpenAPI at /api/openapi.json)."""
    from simulator.web.app import config_from_env

    if migrate:
        from simulator.adapters.migrate import upgrade

        upgrade(config_from_env()["RASIM_DATABASE_URL"])
    click.echo(f"rasim serving on http://{host}:{port}/ (edition {config_from_env()['RASIM_EDITION']})")
    if workers > 1:
        os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{host}:{port}",
                                   "--access-logfile", "-", "simulator.web.wsgi:app"])
    from werkzeug.serving import run_simple

    run_simple(host, port, _app(), threaded=True, use_reloader=False)


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
        accounts = _run(demo_service.seed_demo)
        if as_json:
            click.echo(json.dumps({"accounts": accounts}, ensure_ascii=False, indent=2))
        else:
            click.echo(f"{'category':<28} {'user id':<16} {'password':<12} card (auth PIN / sign PIN)")
            for a in accounts:
                card = f"{a['card']} ({a['auth_pin']} / {a['sign_pin']})" if a.get("card") else ""
                click.echo(f"{a['category']:<28} {a['user_id']:<16} {a['password']:<12} {card}")


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
    from sqlalchemy import select

    from simulator.adapters.db import Mail

    def uc(ctx):  # noqa: ANN001, ANN202
        q = select(Mail).order_by(Mail.id.desc()).limit(limit)
        if to:
            q = q.where(Mail.to_addr == to)
        return [(m.id, m.sent_at, m.to_addr, m.subject, m.url) for m in ctx.db.scalars(q)]

    for mid, at, addr, subject, url in reversed(_run(uc)):
        click.echo(f"#{mid} {at:%Y-%m-%d %H:%M} {addr}  {subject}" + (f"\n      {url}" if url else ""))


@main.group()
def bench() -> None:
    """Benchmarks that print figures."""


bench.add_command(card_bench, "card")
main.add_command(card_group, "card")

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
