"""`matcalc serve`: the local web page (matcalc.web.app) on uvicorn, an optional extra
(`pip install "matcalc[web]"`); the command line and the library work without it."""
from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
import webbrowser
from typing import Any

from .protocol import LOOPBACK_NAMES

DEFAULT_PORT = 8765
MISSING = ("matcalc serve: error: the web page needs the 'web' extra (Starlette and uvicorn): "
           "pip install \"matcalc[web]\" (in a checkout: pip install -e \".[web]\")")


def _listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) and listening (port 0: a free one); OSError if not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class Server:
    """The app on uvicorn, on a socket bound at construction (so its URL is known at once)."""

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 time_limit: float = 10.0, workers: int = 2, verbose: bool = False,
                 queue: int | None = None, max_wait: float = 2.0):
        import uvicorn

        from .app import create_app
        self.app = create_app(time_limit, workers, queue, max_wait,
                              LOOPBACK_NAMES if host in LOOPBACK_NAMES else None)
        self.socket = _listening_socket(host, port)
        self.server_address = self.socket.getsockname()[:2]
        config = uvicorn.Config(self.app, log_level="info" if verbose else "warning",
                                access_log=verbose, server_header=False, lifespan="on")
        self.uvicorn = uvicorn.Server(config)
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    @property
    def pool(self):
        """The app's pool of derivation workers (None before startup)."""
        return self.app.state.api.pool

    def serve_forever(self) -> None:
        try:
            self.uvicorn.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving (from another thread) and wait until the workers are gone."""
        self.uvicorn.should_exit = True
        self._stopped.wait(60)

    def server_close(self) -> None:
        self.socket.close()


def start(**options: Any) -> tuple[Server, threading.Thread]:
    """A server running in a background thread (for tests and notebooks), answering once this
    returns; stop it with `server.shutdown(); server.server_close()`."""
    server = Server(**options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.uvicorn.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.uvicorn.started:
        raise RuntimeError("the web server did not start")
    return server, thread


def serve_main(argv: list[str]) -> int:
    """`matcalc serve [--port P] [--host H] [--open] [--time-limit S] [--workers N] ...`."""
    parser = argparse.ArgumentParser(prog="matcalc serve",
                                     description="Serve matcalc's local web page.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--time-limit", type=float, default=10.0, metavar="SECONDS",
                        help="longest time one derivation may take (default 10)")
    parser.add_argument("--workers", type=int, default=2,
                        help="derivations at once, each in its own process (default 2)")
    parser.add_argument("--queue", type=int, default=None, metavar="N",
                        help="requests that may wait for a worker (default 128 per worker); "
                             "past it a request is answered 503 with Retry-After at once")
    parser.add_argument("--max-wait", type=float, default=2.0, metavar="SECONDS",
                        help="longest time a request waits for a worker (default 2)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    try:
        args = parser.parse_args(argv)
        if (args.time_limit <= 0 or args.workers < 1 or not 0 <= args.port <= 65535
                or args.max_wait <= 0 or (args.queue is not None and args.queue < 0)):
            parser.error("--time-limit and --max-wait must be > 0, --workers >= 1, "
                         "--queue >= 0, --port in 0..65535")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        print(MISSING, file=sys.stderr)
        return 2
    try:
        server = Server(args.host, args.port, args.time_limit, args.workers, args.verbose,
                        args.queue, args.max_wait)
    except OSError as err:
        print(f"matcalc serve: error: cannot listen on {args.host}:{args.port}: {err}",
              file=sys.stderr)
        return 2
    print(f"matcalc: serving {server.url}  (Ctrl-C stops)", flush=True)
    if args.open:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
