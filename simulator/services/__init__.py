"""Use cases: one function per thing a user, the bureau or the test support does. Screens,
API, CLI and bulk upload call these; nothing else combines domain, storage, mail and clock."""
