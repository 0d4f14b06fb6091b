"""Mail: every notification goes to the outbox table; with RASIM_SMTP_URL set it is also sent
over SMTP (after the transaction commits, so a rolled-back action never mails anyone)."""
from __future__ import annotations

import datetime as dt
import smtplib
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, make_msgid
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from simulator import catalog
from simulator.adapters.db import Mail


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(kind: str, params: dict) -> tuple[str, str]:
    t = catalog.mail_template(kind)
    values = _Blank(params)
    subject = t["subject"].format_map(values)
    body = t["body"].format_map(values) + t["footer"]
    return subject, body


def store(db: Session, at: dt.datetime, sender: str, to: str, kind: str, params: dict,
          account_id: int | None = None) -> Mail:
    subject, body = render(kind, params)
    mail = Mail(sent_at=at, to_addr=to, from_addr=sender, subject=subject, body=body, kind=kind,
                account_id=account_id, url=params.get("url"))
    db.add(mail)
    db.flush()
    return mail


def send_smtp(smtp_url: str, mail: Mail) -> str:
    """Send one stored mail. smtp_url: smtp://host:port (no auth, no TLS: a test relay)."""
    u = urlparse(smtp_url)
    msg: MIMEText | MIMEMultipart = MIMEText(mail.body, "plain", "utf-8")
    if mail.attachment:   # the electronic COE (FAQ Q8-2): the text, then the PDF
        msg = MIMEMultipart()
        msg.attach(MIMEText(mail.body, "plain", "utf-8"))
        part = MIMEApplication(mail.attachment, "pdf")
        part.add_header("Content-Disposition", "attachment", filename=mail.attachment_name or "attachment.pdf")
        msg.attach(part)
    msg["Subject"] = Header(mail.subject, "utf-8", header_name="Subject")   # folded after "Subject: "
    msg["From"] = formataddr(("在留申請オンラインシステム", mail.from_addr), charset="utf-8")
    msg["To"] = mail.to_addr
    msg["Message-ID"] = make_msgid(domain=mail.from_addr.split("@")[-1])
    msg["X-Rasim-Kind"] = mail.kind
    try:
        with smtplib.SMTP(u.hostname or "127.0.0.1", u.port or 25, timeout=10) as smtp:
            # SMTP lines end in CRLF; smtplib does not fix the line ends of a bytes message
            smtp.sendmail(mail.from_addr, [mail.to_addr], msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
        return "sent"
    except (OSError, smtplib.SMTPException) as exc:
        return f"failed: {exc}"[:200]
