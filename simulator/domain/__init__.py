"""Pure rules of the system: no Flask, no SQL, no clock of their own."""
