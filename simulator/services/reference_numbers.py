"""The 整理番号 and the パスワード of a 申込, edition 2026 (003 §1.7): shown once on [申込完了] and sent in two mails
of their own, the 整理番号's first. Only the hash of the パスワード is kept. The same for 利用申出, 定期報告, a residence
application and a 受領方法変更申出 (003 §3.3.4, §4.2.4, §6.2, §7.3)."""
from __future__ import annotations

import secrets
import string

from simulator.adapters.db import Account
from simulator.services.context import Ctx, token_hash

PASSWORD_ALPHABET = string.ascii_letters + string.digits
PASSWORD_LENGTH = 12   # rasim: 003 shows only the placeholder XXXXXXXXXX


def issue(ctx: Ctx, account: Account, procedure: str, reference_number: str,
          reference_mail: str = "procedure_reference_number") -> tuple[str, str]:
    """Mail the 整理番号 (`reference_mail`), then a new パスワード; answer the パスワード and its hash."""
    password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))
    words = {"name": account.name, "procedure": procedure, "reference_number": reference_number}
    ctx.mail(account.email, reference_mail, account.id, **words)
    ctx.mail(account.email, "procedure_password", account.id, **(words | {"password": password}))
    return password, token_hash(password)
