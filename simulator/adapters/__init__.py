"""Adapters at the edge: storage, clock, mail, JPKI verification."""
