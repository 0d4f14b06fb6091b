"""The card bridge: a small local HTTP server that lets the simulator's pages use the card.

It stands in for the JPKI client software (利用者クライアントソフト) and its Chrome extension:
the registration and login pages call it from the browser to see whether a reader and a card
are there, read the two certificates and have the card sign a server challenge after the PIN is
verified on the card. It never reads the card-info AP, so it cannot read the My Number (Q2-8).

Endpoints (JSON)::

    GET  /status         reader? card? both certificates present and not expired?
    POST /certificates   {"auth": base64 DER, "sign": base64 DER}
    POST /sign           {"key": "auth"|"sign", "pin", "challenge": base64}
                         → {"signature": base64, "certificate": base64 DER of that key}
                         wrong PIN → 403 {"error": "wrong_pin", "tries_left"}; blocked → 423

Only the simulator's origins may call it (CORS, preflight included); a request from any other
origin is refused with 403. Requests without an Origin (curl, tests) are served. The Host header
must name the loopback address, so a DNS-rebinding page cannot reach it under another name.
Each request opens the reader afresh (`JpkiClient.pcsc()`), so a swapped card is seen at once.
"""
from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .ca import load_certificate
from .client import JpkiClient
from .jpki import valid_auth_pin, valid_sign_pin
from .transport import DEFAULT_READER, CardError, NoCard, NoReader, PinBlocked, WrongPin

DEFAULT_PORT = 35980
DEFAULT_ORIGINS = ("http://127.0.0.1:8080", "http://localhost:8080")
MAX_BODY = 8192
MAX_CHALLENGE = 1024
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
KEYS = ("auth", "sign")


class BridgeError(Exception):
    def __init__(self, status: int, error: str, detail: str = "", **extra: Any):
        super().__init__(detail or error)
        self.status, self.error, self.detail, self.extra = status, error, detail, extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "detail": self.detail, **self.extra}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class CardBridge:
    """What the endpoints do, without HTTP (so it can be tested and reused)."""

    def __init__(self, reader: str = DEFAULT_READER,
                 connect: Callable[[str], JpkiClient] | None = None,
                 clock: Callable[[], datetime] | None = None):
        self.reader = reader
        self._connect = connect or JpkiClient.pcsc
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()   # one card conversation at a time (VERIFY then SIGN)

    def _client(self) -> JpkiClient:
        try:
            return self._connect(self.reader)
        except NoCard as exc:
            raise BridgeError(503, "no_card", str(exc)) from None
        except NoReader as exc:
            raise BridgeError(503, "no_reader", str(exc)) from None
        except CardError as exc:
            raise BridgeError(503, "card_error", str(exc)) from None

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {"bridge": "rasim-card-bridge", "reader": False, "card": False,
                               "certificates": {}, "ready": False, "problem": None}
        with self._lock:
            try:
                client = self._client()
            except BridgeError as exc:
                out["reader"] = exc.error == "no_card"
                out["problem"] = exc.error
                out["detail"] = exc.detail
                return out
            out["reader"] = out["card"] = True
            try:
                for key in KEYS:
                    out["certificates"][key] = self._certificate_state(client, key)
            except NoCard as exc:
                out["card"], out["problem"], out["detail"] = False, "no_card", str(exc)
                return out
            finally:
                client.close()
        states = out["certificates"].values()
        if not all(s["present"] for s in states):
            out["problem"] = "certificate_missing"
        elif any(s["expired"] for s in states):
            out["problem"] = "certificate_expired"
        out["ready"] = out["problem"] is None
        return out

    def _certificate_state(self, client: JpkiClient, key: str) -> dict[str, Any]:
        try:
            cert = load_certificate(client.read_certificate(key))  # type: ignore[arg-type]
        except NoCard:
            raise
        except (CardError, ValueError) as exc:
            return {"present": False, "expired": False, "not_after": None, "detail": str(exc)}
        now = self._clock()
        return {"present": True, "not_after": cert.not_valid_after_utc.isoformat(),
                "expired": not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc)}

    def certificates(self) -> dict[str, str]:
        with self._lock:
            client = self._client()
            try:
                return {key: b64(client.read_certificate(key)) for key in KEYS}  # type: ignore[arg-type]
            except NoCard as exc:
                raise BridgeError(503, "no_card", str(exc)) from None
            except CardError as exc:
                raise BridgeError(502, "card_error", str(exc)) from None
            finally:
                client.close()

    def sign(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise BridgeError(400, "bad_request", "a JSON object is expected")
        key, pin, challenge = body.get("key"), body.get("pin"), body.get("challenge")
        if key not in KEYS:
            raise BridgeError(400, "bad_request", 'key must be "auth" or "sign"')
        if not isinstance(pin, str) or not (valid_auth_pin(pin) if key == "auth" else valid_sign_pin(pin)):
            # a PIN of the wrong form never reaches the card: it would cost a try for nothing
            raise BridgeError(400, "pin_format", "auth PIN: 4 digits; sign PIN: 6-16 upper-case letters and digits")
        data = _decode_challenge(challenge)
        with self._lock:
            client = self._client()
            try:
                certificate = client.read_certificate(key)
                client.verify_pin(key, pin)
                signature = client.sign(data, key=key)
            except PinBlocked:
                raise BridgeError(423, "pin_blocked", f"the {key} PIN is blocked", tries_left=0) from None
            except WrongPin as exc:
                raise BridgeError(403, "wrong_pin", f"wrong {key} PIN", tries_left=exc.tries_left) from None
            except NoCard as exc:
                raise BridgeError(503, "no_card", str(exc)) from None
            except CardError as exc:
                raise BridgeError(502, "card_error", str(exc)) from None
            finally:
                client.close()
        return {"key": key, "signature": b64(signature), "certificate": b64(certificate)}


def _decode_challenge(value: Any) -> bytes:
    if not isinstance(value, str) or not value or len(value) > MAX_CHALLENGE * 2:
        raise BridgeError(400, "bad_request", "challenge must be base64")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise BridgeError(400, "bad_request", "challenge must be base64") from None
    if not 0 < len(data) <= MAX_CHALLENGE:
        raise BridgeError(400, "bad_request", f"challenge must be 1-{MAX_CHALLENGE} bytes")
    return data


class _Handler(BaseHTTPRequestHandler):
    server: BridgeServer
    protocol_version = "HTTP/1.1"
    server_version = "rasim-card-bridge"

    # -- origin and host checks ---------------------------------------------------------
    def _origin_allowed(self) -> bool:
        origin = self.headers.get("Origin")
        return origin is None or origin in self.server.allowed_origins

    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_HOSTS

    def _cors_headers(self) -> None:
        origin = self.headers.get("Origin")
        if origin and origin in self.server.allowed_origins:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _send(self, status: int, body: dict[str, Any], extra: Iterable[tuple[str, str]] = ()) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self._cors_headers()
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _refused(self) -> bool:
        if not self._host_allowed():
            self._send(403, {"error": "host_refused", "detail": "the bridge answers on the loopback address only"})
            return True
        if not self._origin_allowed():
            self._send(403, {"error": "origin_refused",
                             "detail": f"origin {self.headers.get('Origin')!r} may not use the card bridge"})
            return True
        return False

    # -- methods -------------------------------------------------------------------------
    def do_OPTIONS(self) -> None:
        self._drain()
        if self._refused():
            return
        headers = [("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
                   ("Access-Control-Allow-Headers", "Content-Type"),
                   ("Access-Control-Max-Age", "600")]
        if self.headers.get("Access-Control-Request-Private-Network") == "true":
            headers.append(("Access-Control-Allow-Private-Network", "true"))
        self._send(200, {}, headers)

    def do_GET(self) -> None:
        if self._refused():
            return
        if self.path.split("?")[0] == "/status":
            self._send(200, self.server.bridge.status())
        else:
            self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        body = self._drain()
        if self._refused():
            return
        path = self.path.split("?")[0]
        try:
            if path == "/certificates":
                self._send(200, self.server.bridge.certificates())
            elif path == "/sign":
                if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                    raise BridgeError(415, "bad_request", "send application/json")
                try:
                    parsed = json.loads(body or b"null")
                except ValueError:
                    raise BridgeError(400, "bad_request", "the body is not JSON") from None
                self._send(200, self.server.bridge.sign(parsed))
            else:
                self._send(404, {"error": "not_found"})
        except BridgeError as exc:
            self._send(exc.status, exc.body())

    def _drain(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            self.close_connection = True
            return b""
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, fmt: str, *args: Any) -> None:
        if self.server.on_log:
            self.server.on_log(f"{self.address_string()} {fmt % args}")


class BridgeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", port: int = DEFAULT_PORT, reader: str = DEFAULT_READER,
                 allowed_origins: Iterable[str] = (), bridge: CardBridge | None = None,
                 on_log: Callable[[str], None] | None = None):
        self.bridge = bridge or CardBridge(reader)
        self.allowed_origins = frozenset(o.rstrip("/") for o in (*DEFAULT_ORIGINS, *allowed_origins))
        self.on_log = on_log
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"
