"""The pytest module that turns every feature file into tests, with the shared step definitions.
`rasim conformance run` hands this file to pytest together with the plugin
`conformance.pytest_plugin`, which supplies the `rasim` client fixture."""
from __future__ import annotations

from pytest_bdd import scenarios

from conformance.bdd import feature_files, quiet_faq_marks, suite_edition
from conformance.steps import *

with quiet_faq_marks():
    scenarios(*feature_files(suite_edition()))
