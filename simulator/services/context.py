"""The context a use case runs in: one database transaction, the current time of the test
clock, the edition, and who is acting (for the audit trail)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from simulator import catalog
from simulator.adapters import mail as mail_adapter
from simulator.adapters.db import AuditEntry, Link, Mail, ScheduledEvent
from simulator.catalog import Edition


E = TypeVar("E", bound=Exception)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Ctx:
    db: Session
    ed: Edition
    now: dt.datetime
    base_url: str = "http://127.0.0.1:8080"
    actor: str = "anonymous"
    remote_addr: str | None = None
    outgoing: list[Mail] = field(default_factory=list)
    jpki: Any = None   # simulator.adapters.jpki.JpkiVerifier, set by the web runtime
    channel: str = "api"   # api | screen | cli: where a login session may be used (sessions.channel)
    login_session: Any = None   # the LoginSession the request authenticated with, if any
    committed_mails: list[Mail] = field(default_factory=list)

    # the unit of work (services/unit_of_work.py) -----------------------------------------------
    def commit(self) -> None:
        """Commit what was done so far; its mails are then delivered, whatever happens next."""
        self.db.commit()
        self.committed_mails += self.outgoing
        self.outgoing = []

    def keep(self, refusal: E) -> E:
        """Commit, then return the refusal to raise: what was done before it (a failure count, an
        ended session, an audit entry) stays."""
        self.commit()
        return refusal

    # audit trail -----------------------------------------------------------------------
    def audit(self, action: str, target: str | None = None, **detail: object) -> None:
        self.db.add(AuditEntry(at=self.now, actor=self.actor, action=action, target=target,
                               detail=json.dumps(detail, ensure_ascii=False, default=str),
                               remote_addr=self.remote_addr))

    # mail ------------------------------------------------------------------------------------
    def mail(self, to: str, kind: str, account_id: int | None = None, **params: object) -> Mail:
        params.setdefault("id_label", self.ed.id_label_ja)
        m = mail_adapter.store(self.db, self.now, self.ed.mail_from, to, kind, params, account_id)
        self.outgoing.append(m)
        self.audit("mail.sent", to, kind=kind, mail_id=m.id)
        return m

    # links sent by mail -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """An address of this deployment, for a mail."""
        return f"{self.base_url.rstrip('/')}{path}"

    def new_link(self, purpose: str, account_id: int, valid: dt.timedelta, path: str,
                 **payload: object) -> tuple[str, Link]:
        token = secrets.token_urlsafe(24)
        link = Link(token_hash=token_hash(token), purpose=purpose, account_id=account_id,
                    created_at=self.now, expires_at=self.now + valid,
                    payload=json.dumps(payload, ensure_ascii=False, default=str))
        self.db.add(link)
        self.db.flush()
        self.schedule(link.expires_at, "link_expiry", account_id, link_id=link.id, purpose=purpose)
        return f"{self.base_url.rstrip('/')}{path}?token={token}", link

    # the scheduler -------------------------------------------------------------------------------
    def schedule(self, due_at: dt.datetime, kind: str, account_id: int | None = None, **payload: object) -> None:
        self.db.add(ScheduledEvent(due_at=due_at, kind=kind, account_id=account_id,
                                   payload=json.dumps(payload, ensure_ascii=False, default=str)))

    def message(self, code: str) -> catalog.Message:
        return catalog.message(code)
