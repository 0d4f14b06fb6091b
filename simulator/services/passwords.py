"""Password hashing (a slow hash: scrypt through werkzeug) and the edition's policy check."""
from __future__ import annotations

import os

from werkzeug.security import check_password_hash, generate_password_hash

from simulator.catalog import Edition
from simulator.domain.errors import Problems
from simulator.domain.passwords import password_problems

# scrypt parameters: werkzeug's default cost unless RASIM_PASSWORD_HASH says otherwise
_METHOD = os.environ.get("RASIM_PASSWORD_HASH", "scrypt:32768:8:1")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_METHOD)


def verify_password(stored: str | None, password: str) -> bool:
    return bool(stored) and check_password_hash(stored, password)


def check_new_password(ed: Edition, problems: Problems, password: str | None, confirm: str | None,
                       field: str, confirm_field: str, mismatch_code: str) -> None:
    """Policy (WZBAM005E with the field label) and confirmation (160E or 162E)."""
    from simulator import catalog

    if not password:
        problems.add("WZBAM001E", field)
    elif not isinstance(password, str) or password_problems(password, ed):
        problems.add("WZBAM005E", field, 入力項目名=catalog.field(field).label_ja)
    if not confirm:
        problems.add("WZBAM001E", confirm_field)
    elif password and isinstance(password, str) and confirm != password:
        problems.add(mismatch_code, confirm_field)
