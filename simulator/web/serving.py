"""How `rasim serve` serves (issue 11 point 8): gunicorn, in this process, even with one worker — the
development server's ceiling would be what a load test measured. Threaded workers (gthread), so one
worker still answers several requests at once and keeps connections alive; each worker runs the ticker
(web/ticker.py), which fires what falls due without waiting for a request.

`serve(load, host, port, workers)` returns when gunicorn stops (SIGTERM or Ctrl-C), so the caller can
stop what it started beside it (the card stack)."""
from __future__ import annotations

import signal
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication

THREADS = 8          # requests a worker answers at once
TIMEOUT = 120        # seconds a request may take (a 300-row file registered in a request, a slow disk)
# how long an idle kept-alive connection stays open. gunicorn's default of 2 s (rasim had 5) suits a proxy in
# front; served directly, a client that reuses its connection after that idle time races the close and gets
# "Remote end closed connection without response" (seen in load runs: a busy worker's main loop checks the
# timeouts late). 65 s outlasts the idle time of the usual HTTP clients, as nginx's 75 s does.
KEEPALIVE = 65


class _Gunicorn(BaseApplication):
    """gunicorn's documented custom application: the options given, the app made by `load`."""

    def __init__(self, load: Callable[[], Any], options: dict[str, Any]) -> None:
        self._load, self._options = load, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if value is not None and key in self.cfg.settings:   # a setting this gunicorn lacks: not needed
                self.cfg.set(key, value)
        # GUNICORN_CMD_ARGS (e.g. --access-logformat) as gunicorn's own command reads it, over rasim's
        given = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
        for key, value in vars(given).items():
            if value is not None and key in self.cfg.settings and key != "args":
                self.cfg.set(key.lower(), value)

    def load(self) -> Any:
        return self._load()


def options(host: str, port: int, workers: int, threads: int = THREADS,
            post_worker_init: Callable[[Any], None] | None = None) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    return {"bind": bind, "workers": workers, "worker_class": "gthread", "threads": threads, "timeout": TIMEOUT,
            "graceful_timeout": 10, "keepalive": KEEPALIVE, "accesslog": "-", "post_worker_init": post_worker_init,
            "control_socket_disable": True}   # gunicorn 25+: one shared ~/.gunicorn socket would clash between servers


def serve(load: Callable[[], Any], host: str, port: int, workers: int = 1, threads: int = THREADS,
          post_worker_init: Callable[[Any], None] | None = None) -> int:
    """Serve the WSGI app that `load` makes (in each worker) until gunicorn stops; its exit status."""
    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP, signal.SIGQUIT)
    previous = {s: signal.getsignal(s) for s in handled}
    try:
        _Gunicorn(load, options(host, port, workers, threads, post_worker_init)).run()
    except SystemExit as stop:   # gunicorn's master ends with sys.exit
        return int(stop.code or 0) if not isinstance(stop.code, str) else 1
    finally:
        for s, h in previous.items():   # gunicorn's handlers (its SIGCHLD reaps any child) must not outlive it
            signal.signal(s, h)
    return 0


def start_ticker(worker: Any) -> None:
    """gunicorn's post_worker_init hook: the ticker in the worker, on the app the worker loaded."""
    from simulator.web.ticker import Ticker

    Ticker(worker.wsgi, log=worker.log).start()
