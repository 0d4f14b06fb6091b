"""The baseline of `rasim bench requests`: a Flask hello-world served the way `rasim serve` serves
rasim — gunicorn (`python -m gunicorn -w N --access-logfile - simulator.bench_hello:app`) or
Werkzeug's threaded development server with rasim's request handler:

    python -m simulator.bench_hello --host 127.0.0.1 --port 8081      # the development server
"""
from __future__ import annotations

import argparse
import signal
import sys

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


def main(argv: list[str] | None = None) -> None:
    """Serve the hello-world on Werkzeug's threaded server, as `rasim serve --workers 1` serves rasim."""
    parser = argparse.ArgumentParser(prog="python -m simulator.bench_hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    from werkzeug.serving import run_simple

    from simulator.web.boundary import RequestHandler

    def terminate(signum, frame) -> None:  # noqa: ANN001 - SIGTERM ends the server like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    try:
        run_simple(args.host, args.port, app, threaded=True, use_reloader=False, request_handler=RequestHandler)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
