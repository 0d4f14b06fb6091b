"""The outbox and the audit trail as test support, the mailbox page and the CLI read them: every
mail the system sent, and who did what (証跡, FAQ Q13-1)."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, select

from simulator.adapters.db import AuditEntry, Mail
from simulator.services.context import Ctx


def mail_view(m: Mail) -> dict[str, Any]:
    return {"id": m.id, "sent_at": m.sent_at.isoformat(), "to": m.to_addr, "from": m.from_addr,
            "subject": m.subject, "body": m.body, "kind": m.kind, "url": m.url, "smtp": m.smtp_result,
            "attachment": {"name": m.attachment_name, "size": len(m.attachment or b""),
                           "path": f"/test-support/mails/{m.id}/attachment"} if m.attachment_name else None}


def list_mails(ctx: Ctx, query: dict[str, Any]) -> dict[str, Any]:
    """Oldest first (newest first with `newest=True`), filtered by to / kind / after_id, at most `limit`."""
    q = select(Mail).order_by(Mail.id.desc() if query.get("newest") else Mail.id)
    if query.get("to"):
        q = q.where(Mail.to_addr == query["to"])
    if query.get("kind"):
        q = q.where(Mail.kind == query["kind"])
    if query.get("after_id"):
        q = q.where(Mail.id > query["after_id"])
    q = q.limit(query.get("limit") or 500)
    return {"mails": [mail_view(m) for m in ctx.db.scalars(q)]}


def get_mail(ctx: Ctx, mail_id: int) -> dict[str, Any] | None:
    found = ctx.db.get(Mail, mail_id)
    return mail_view(found) if found else None


def attachment(ctx: Ctx, mail_id: int) -> tuple[bytes, str] | None:
    found = ctx.db.get(Mail, mail_id)
    return (found.attachment, found.attachment_name or "") if found and found.attachment else None


def clear_mails(ctx: Ctx) -> dict[str, Any]:
    n = ctx.db.execute(delete(Mail)).rowcount
    ctx.audit("mail.cleared", None, count=n)
    return {"deleted": n}


def list_audit(ctx: Ctx, query: dict[str, Any]) -> dict[str, Any]:
    q = select(AuditEntry).order_by(AuditEntry.id.desc())
    if query.get("actor"):
        q = q.where(AuditEntry.actor == query["actor"])
    if query.get("action"):
        q = q.where(AuditEntry.action == query["action"])
    if query.get("target"):
        q = q.where(AuditEntry.target == query["target"])
    rows = ctx.db.scalars(q.limit(query.get("limit") or 200))
    return {"entries": [{"id": e.id, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                         "target": e.target, "detail": json.loads(e.detail or "{}"), "remote_addr": e.remote_addr}
                        for e in rows]}
