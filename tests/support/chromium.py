"""Debian's Chromium driven by Playwright, for the browser tests. Never `playwright install`:
the browser is /usr/bin/chromium. If it cannot start, the test fails with the reason."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@contextmanager
def launch_chromium() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:   # the test must fail, never skip, when the browser stack is missing
        pytest.fail(f"playwright is not installed: {exc}")
    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"Chromium ({CHROMIUM}) could not start: {exc}")
        try:
            yield chromium
        finally:
            chromium.close()
