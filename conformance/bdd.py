"""Where the feature files are, and a quiet way to bind them with pytest-bdd."""
from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

FEATURES_DIR = Path(os.environ.get("RASIM_FEATURES_DIR") or Path(__file__).resolve().parent.parent / "features")


@contextlib.contextmanager
def quiet_faq_marks() -> Iterator[None]:
    """pytest-bdd turns each tag (@Q12-7) into a mark while the module is imported, before any
    plugin could register the FAQ numbers as marks; keep that from warning once per tag."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        yield
