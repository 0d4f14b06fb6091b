"""The catalogue against the code and the spec: every code the code uses exists, every message
renders, and the Japanese texts are the spec's byte for byte."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from simulator import catalog

ROOT = Path(__file__).resolve().parents[2]
# the seed's error catalogue as copied into the repository (the conformance suite's own oracle): the
# simulator's catalogue must equal it byte for byte, and nothing here reads outside the repository
SPEC = ROOT / "conformance" / "seed" / "error-catalog.csv"
CODE = re.compile(r"""["']((?:WZBAM|RASIM)\d{3}[A-Z])["']""")


def codes_in_source() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "simulator").rglob("*")):
        if path.suffix not in (".py", ".html", ".toml", ".j2", ".jinja") or "__pycache__" in path.parts:
            continue
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(code, []).append(str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_codes():
    assert {"WZBAM153E", "RASIM400E", "WZBAM099E"} <= set(codes_in_source())


def test_every_code_used_in_the_code_exists_in_the_catalogue():
    known = {m.code for m in catalog.all_messages()}
    missing = {c: where for c, where in codes_in_source().items() if c not in known}
    assert not missing


@pytest.mark.parametrize("message", catalog.all_messages(), ids=lambda m: m.code)
def test_every_message_renders_its_placeholders(message):
    ja_keys = catalog.placeholders(message.ja)
    assert set(catalog.placeholders(message.en)) <= set(ja_keys), "English text has a placeholder Japanese lacks"
    ja, en = message.render({k: "X" for k in ja_keys})
    assert not catalog.placeholders(ja) and not catalog.placeholders(en)
    assert message.en.strip(), "every message has an English text"


def _spec_rows() -> dict[str, bytes]:
    with open(SPEC, encoding="utf-8", newline="") as f:
        return {r["id"]: r["message_ja"].encode("utf-8") for r in csv.DictReader(f)}


def _catalogue_rows() -> dict[str, bytes]:
    with open(ROOT / "simulator/catalog/messages.csv", encoding="utf-8", newline="") as f:
        return {r["code"]: r["message_ja"].encode("utf-8") for r in csv.DictReader(f)}


def test_same_codes_as_the_spec():
    assert set(_spec_rows()) == set(_catalogue_rows())


def test_japanese_texts_equal_the_spec_byte_for_byte():
    spec, ours = _spec_rows(), _catalogue_rows()
    different = {c: (spec[c], ours.get(c)) for c in spec if ours.get(c) != spec[c]}
    assert not different


def test_the_loaded_catalogue_serves_the_same_text():
    spec = _spec_rows()
    for code, text in spec.items():
        assert catalog.message(code).ja.encode("utf-8") == text


def test_no_rasim_code_shadows_a_system_code():
    with open(ROOT / "simulator/catalog/rasim-messages.csv", encoding="utf-8", newline="") as f:
        assert all(r["code"].startswith("RASIM") for r in csv.DictReader(f))


@pytest.mark.parametrize("kind", catalog.mail_kinds())
def test_every_mail_template_renders(kind):
    from simulator.adapters.mail import render

    t = catalog.mail_template(kind)
    keys = set(re.findall(r"{(\w+)}", t["subject"] + t["body"]))
    subject, body = render(kind, {k: f"<{k}>" for k in keys})
    assert subject.startswith("【在留申請オンラインシステム】")
    assert "{" not in subject and not re.search(r"{\w+}", body)


def test_every_refusal_fills_wzbam173e_and_289e() -> None:
    from simulator import catalog

    for row in catalog.table("refusals.csv"):
        params = catalog.refusal(row["key"], id_label="認証ID", status="active", action="抹消",
                                 procedure="在留期間更新許可申請")
        for code in ("WZBAM173E", "WZBAM289E"):
            ja, en = catalog.message(code).render(params)
            assert "【" not in ja and "【" not in en and params["原因"] in ja, (row["key"], ja)


def test_mail_words_exist_for_every_use() -> None:
    from simulator import catalog

    for key in ("password_new", "password_changed", "password_reset", "suspend", "resume", "delete",
                "report_approved", "report_refused", "report_refused_detail"):
        assert catalog.mail_word(key)
    assert "2025/01/31" in catalog.mail_word("report_approved_detail", date="2025/01/31")
