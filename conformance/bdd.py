"""Where the feature files are, and a quiet way to bind them with pytest-bdd."""
from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

FEATURES_DIR = Path(os.environ.get("RASIM_FEATURES_DIR") or Path(__file__).resolve().parent.parent / "features")
EDITIONS = ("2024", "2026")
SOURCES = {"2024": "FAQ of 2024-03-19 (seed 000) and the lawyers' manual (seed 004)",
           "2026": "operation manual for organisation staff v1.0 (seed 003)"}


def suite_edition() -> str:
    """Which suite `rasim conformance run` binds (it sets RASIM_CONFORMANCE_EDITION before pytest imports the
    scenarios module); 2024 by default."""
    return os.environ.get("RASIM_CONFORMANCE_EDITION") or "2024"


def feature_files(edition: str) -> list[str]:
    """The feature files of an edition's suite: the FAQ's in features/ (2024), the current system's in
    features/2026/ (one file per chapter of seed 003)."""
    folder = FEATURES_DIR if edition == "2024" else FEATURES_DIR / edition
    return [str(p) for p in sorted(folder.glob("*.feature"))]


@contextlib.contextmanager
def quiet_faq_marks() -> Iterator[None]:
    """pytest-bdd turns each tag (@Q12-7) into a mark while the module is imported, before any
    plugin could register the FAQ numbers as marks; keep that from warning once per tag."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        yield
