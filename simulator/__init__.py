"""rasim simulator: a reference implementation of the Residence Application Online System.

The application factory is simulator.web.app.create_app."""
