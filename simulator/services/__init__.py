"""Use cases: one function per thing a user, the bureau or the test support does. Screens,
API, CLI and bulk upload call these; nothing else combines domain, storage, mail and clock."""

# the modules that register what their route does once an account's initial password is set
# (services.registration.after_initial_password): imported with the package, so the hooks are there
from simulator.services import agents, cards, organisations  # noqa: E402,F401
