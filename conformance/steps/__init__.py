"""Step definitions shared by every feature. Import everything from here into the module that
calls pytest-bdd's `scenarios(...)`, and provide a `rasim` fixture (a RasimClient)."""
from conformance.steps.common import *  # noqa: F401,F403
from conformance.steps.organisations import *  # noqa: F401,F403
from conformance.steps.registration import *  # noqa: F401,F403
from conformance.steps.sessions import *  # noqa: F401,F403
from conformance.steps.system import *  # noqa: F401,F403
from conformance.steps.user_info import *  # noqa: F401,F403
from conformance.steps.world import World, world  # noqa: F401
