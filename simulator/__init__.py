"""rasim simulator: a reference implementation of the Residence Application Online System."""
from simulator.web.app import create_app

__all__ = ["create_app"]
