"""The pytest module that turns every feature file into tests, with the shared step definitions.
`rasim conformance run` hands this file to pytest together with the plugin
`conformance.pytest_plugin`, which supplies the `rasim` client fixture."""
from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path
from typing import Iterator

import pytest

from pytest_bdd import scenarios

from conformance.steps import *  # noqa: F401,F403

FEATURES_DIR = Path(os.environ.get("RASIM_FEATURES_DIR") or Path(__file__).resolve().parent.parent / "features")



@contextlib.contextmanager
def quiet_faq_marks() -> Iterator[None]:
    """pytest-bdd turns each tag (@Q12-7) into a mark while the module is imported, before any
    plugin could register the FAQ numbers as marks; keep that from warning once per tag."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        yield


with quiet_faq_marks():
    scenarios(str(FEATURES_DIR))
