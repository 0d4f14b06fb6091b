"""The sealed file of a temporary save (一時保存, 003 §8.2): what the user's PC keeps must be neither
readable nor editable there (「パソコンで表示したり変更したりできません」). The low level — key
derivation and authenticated encryption — lives here and nowhere else; callers see two functions,
`seal_payload` and `open_sealed_payload`, and one exception, `NotASealedFile`.

Format (rasim): the line `RASIM-TEMPORARY-SAVE 1\n`, then a Fernet token (AES-128-CBC with
HMAC-SHA256, pyca/cryptography) of the payload as UTF-8 JSON. The key is derived from the
installation's SECRET_KEY with HKDF-SHA256 and the label below, so a file is bound to the
installation that wrote it and no other use of SECRET_KEY shares this key."""
from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"RASIM-TEMPORARY-SAVE 1\n"
HKDF_LABEL = b"rasim/temporary-save/fernet-key/v1"   # the HKDF `info`: this key is for these files only
HKDF_SALT = b"rasim-temporary-save"


class NotASealedFile(ValueError):
    """The bytes are not a file this installation sealed: foreign, damaged, edited or too large."""


def _fernet(secret_key: str) -> Fernet:
    if not secret_key:
        raise ValueError("an installation's SECRET_KEY is needed to seal temporary saves")
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_LABEL).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(raw))


def seal_payload(payload: dict[str, Any], secret_key: str) -> bytes:
    """The file's bytes for a JSON-able payload."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return MAGIC + _fernet(secret_key).encrypt(body)


def open_sealed_payload(data: bytes, secret_key: str, max_bytes: int) -> dict[str, Any]:
    """The payload of a sealed file; NotASealedFile for anything else (never another exception)."""
    if not isinstance(data, bytes | bytearray) or len(data) > max_bytes or not data.startswith(MAGIC):
        raise NotASealedFile("not a temporary save of rasim")
    token = bytes(data[len(MAGIC):]).strip()
    try:
        body = _fernet(secret_key).decrypt(token)
        payload = json.loads(body.decode("utf-8"))
    except (InvalidToken, UnicodeError, ValueError, RecursionError):
        raise NotASealedFile("damaged, edited or sealed by another installation") from None
    if not isinstance(payload, dict):
        raise NotASealedFile("not a payload")
    return payload
