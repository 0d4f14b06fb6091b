"""The live counter of edition 2026's text areas (seed 003 §4.2.1 「入力文字数： 0 / 600」) in Debian's Chromium:
static/char-count-2026.js, run as the page loads it, follows what is typed and counts as the server does (code
points: an emoji is one). The markup the server draws is checked in tests/integration/test_edition_forms_2026.py."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.chromium import launch_chromium

pytestmark = pytest.mark.browser
SCRIPT = Path(__file__).resolve().parents[2] / "simulator" / "web" / "static" / "char-count-2026.js"
PAGE = ('<textarea id="certified_activity" maxlength="600">あい</textarea>'
        '<p class="char-count">入力文字数： <span data-count-of="certified_activity">9</span> / 600</p>')


@pytest.fixture
def page() -> Iterator[Any]:
    with launch_chromium() as chromium:
        p = chromium.new_page()
        p.set_content(PAGE)
        p.add_script_tag(content=SCRIPT.read_text(encoding="utf-8"))
        yield p


def test_the_counter_follows_the_text(page: Any) -> None:
    count = page.locator('[data-count-of="certified_activity"]')
    assert count.text_content() == "2", "the script counts what the text area holds when the page loads"
    page.fill("#certified_activity", "")
    assert count.text_content() == "0"
    page.type("#certified_activity", "システム開発😀")
    assert count.text_content() == "7"
