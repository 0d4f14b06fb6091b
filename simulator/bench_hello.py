"""The baseline of `rasim bench requests`: a Flask hello-world served exactly the way `rasim serve` serves
rasim (web/serving.py: gunicorn's gthread workers, in this process), without the ticker:

    python -m simulator.bench_hello --host 127.0.0.1 --port 8081 --workers 1
"""
from __future__ import annotations

import argparse
import sys

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"


def main(argv: list[str] | None = None) -> None:
    """Serve the hello-world as `rasim serve --workers N --threads T` serves rasim."""
    from simulator.web import serving

    parser = argparse.ArgumentParser(prog="python -m simulator.bench_hello")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--threads", type=int, default=serving.THREADS)
    args = parser.parse_args(argv)
    sys.exit(serving.serve(lambda: app, args.host, args.port, args.workers, args.threads))


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
