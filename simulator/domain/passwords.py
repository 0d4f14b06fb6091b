"""Password policy of an edition (2024: 8–32 characters of letters, digits and the symbols
$%&=@_#+.?!, all three kinds; 2026: 10–20 characters, all four kinds)."""
from __future__ import annotations

from simulator.catalog import Edition


def password_problems(password: str, ed: Edition) -> bool:
    """True when the password breaks the edition's policy."""
    if not (ed.password_min <= len(password) <= ed.password_max):
        return True
    symbols = set(ed.password_symbols)
    kinds = {
        "letter": lambda c: c.isascii() and c.isalpha(),
        "upper": lambda c: c.isascii() and c.isupper(),
        "lower": lambda c: c.isascii() and c.islower(),
        "digit": lambda c: c.isascii() and c.isdigit(),
        "symbol": lambda c: c in symbols,
    }
    if any(not (c.isascii() and (c.isalnum() or c in symbols)) for c in password):
        return True
    return not all(any(kinds[k](c) for c in password) for k in ed.password_classes)


def policy_text_ja(ed: Edition) -> str:
    kinds = {"letter": "半角英字", "upper": "英大文字", "lower": "英小文字", "digit": "半角数字", "symbol": "半角記号"}
    names = "・".join(kinds[k] for k in ed.password_classes)
    return (f"必ず{names}の{len(ed.password_classes)}種類を混在させて、{ed.password_min}文字以上"
            f"{ed.password_max}文字以内で入力してください。大文字、小文字は別の文字として区別します。"
            f"入力可能な記号は {ed.password_symbols} です。")

