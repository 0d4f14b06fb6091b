"""Step definitions shared by every feature. Import everything from here into the module that
calls pytest-bdd's `scenarios(...)`, and provide a `rasim` fixture (a RasimClient)."""
from conformance.steps.after_submission import *
from conformance.steps.after_2026 import *
from conformance.steps.applications_common import *
from conformance.steps.applications_files import *
from conformance.steps.applications_input import *
from conformance.steps.applications_list import *
from conformance.steps.applications_people import *
from conformance.steps.bulk import *
from conformance.steps.bulk_2026 import *
from conformance.steps.cards import *
from conformance.steps.common import *
from conformance.steps.decisions import *
from conformance.steps.effects import *
from conformance.steps.organisations import *
from conformance.steps.registration import *
from conformance.steps.sessions import *
from conformance.steps.system import *
from conformance.steps.user_info import *
from conformance.steps.world import World, world  # noqa: F401
from conformance.steps.procedures_2026 import *
from conformance.steps.submissions_2026 import *
from conformance.steps.input_reuse import *
from conformance.steps.apply_2026 import *
from conformance.steps.list_2026 import *
from conformance.steps.access_2026 import *
from conformance.steps.session_2026 import *
from conformance.steps.apply_files_2026 import *
