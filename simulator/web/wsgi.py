"""WSGI entry point for gunicorn: `gunicorn simulator.web.wsgi:app`."""
from simulator.web.app import create_app

app = create_app()
