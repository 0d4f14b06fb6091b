"""Storage: SQLAlchemy 2 models and the unit of work. SQLite by default, any SQLAlchemy URL
through RASIM_DATABASE_URL. All datetimes are naive Japan time (the system's own time zone)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, create_engine,
                        event)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    """所属機関 / 公益法人 / 登録支援機関."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(200), default="")
    report_status: Mapped[str] = mapped_column(String(20), default="none")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AgentCertificate(Base):
    """Registry of 申請等取次者証明書 (the bureau's record of lawyers' and scriveners' notifications)."""

    __tablename__ = "agent_certificates"
    number: Mapped[str] = mapped_column(String(12), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))              # lawyer | scrivener
    name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active")
    valid_until: Mapped[dt.date] = mapped_column(Date)
    bureau: Mapped[str] = mapped_column(String(30), default="")


class Account(Base):
    """利用者: one person, one category. Card categories carry their card binding; the rest a
    certificate number or an organisation."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    auth_id: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    category: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(10), nullable=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    address_pref_city: Mapped[str] = mapped_column(String(100), default="")
    address_street: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(300), nullable=True)
    password_set_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    password_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    valid_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    agent_certificate_number: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    card_key_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    card_auth_key_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    residence_card_number: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    applications_in_progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    card_cert_not_after: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    residence_card_valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # 003 §3.2 (edition 2026, organisation staff): 氏名(英字) for the forgotten-ID mail (§2.4) and the organisation
    name_en: Mapped[str | None] = mapped_column(String(104), nullable=True)
    corporate_number: Mapped[str | None] = mapped_column(String(13), nullable=True)
    organisation_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    postal_code: Mapped[str | None] = mapped_column(String(7), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class UsageRequest(Base):
    """利用申出: filed on paper at a bureau, decided by the bureau."""

    __tablename__ = "usage_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)


class PeriodicReport(Base):
    """定期報告 of an organisation."""

    __tablename__ = "periodic_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class Link(Base):
    """A URL sent by mail: registration, initial password, password reset, e-mail change."""

    __tablename__ = "links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(30))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")


class CardChallenge(Base):
    """A fresh random value the card signs, once, within a few minutes (registration or login)."""

    __tablename__ = "card_challenges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class LoginSession(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    screen_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    channel: Mapped[str] = mapped_column(String(10), default="api", server_default="api")


class Mail(Base):
    """The outbox: every mail the system sends, whether or not SMTP is configured."""

    __tablename__ = "mails"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    to_addr: Mapped[str] = mapped_column(String(100), index=True)
    from_addr: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    smtp_result: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attachment_name: Mapped[str | None] = mapped_column(String(100), nullable=True)   # the electronic COE (FAQ Q8-2)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class AuditEntry(Base):
    """証跡: who did what, when (FAQ Q13-1)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    remote_addr: Mapped[str | None] = mapped_column(String(60), nullable=True)


class ClockState(Base):
    """The test clock, shared by every worker process."""

    __tablename__ = "clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    offset_seconds: Mapped[float] = mapped_column(Float, default=0.0)


class ScheduledEvent(Base):
    """Something that falls due at a time: unlock, link expiry, reminder mail, account expiry."""

    __tablename__ = "scheduled_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    payload: Mapped[str] = mapped_column(Text, default="{}")
    fired_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True, index=True)


class SystemFlag(Base):
    """Switches every worker must agree on, e.g. the maintenance banner."""

    __tablename__ = "system_flags"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


def ensure_sqlite_folder(url: str) -> None:
    """sqlite:///var/x.sqlite3 needs its folder; other URLs need nothing."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        from pathlib import Path

        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str) -> Engine:
    ensure_sqlite_folder(url)
    kwargs: dict = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()
            # SQLAlchemy, not the sqlite3 module, begins transactions (see _begin_immediate)
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):  # noqa: ANN001
            # A unit of work takes SQLite's write lock when it begins, so two of them never read the
            # same row and then both write it (a lost update of a failure count, or SQLITE_BUSY when
            # a reader tries to become a writer). Writers queue on the busy timeout instead. A unit of
            # work that mostly reads (a GET) asks for a plain BEGIN: in WAL mode readers never wait.
            mode = "DEFERRED" if conn.get_execution_options().get("sqlite_begin") == "DEFERRED" else "IMMEDIATE"
            conn.exec_driver_sql(f"BEGIN {mode}")
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
