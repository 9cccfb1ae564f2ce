"""A small HTTP client for SPARQL servers: separate connect and read timeouts, Basic, Digest
and Bearer authentication, bounded retries on 429/503, kept-alive connections, and one-line
errors (``StoreError``; ``QueryError`` for a request the server calls bad).

Why not SPARQLWrapper's transport (urllib): it has one timeout for connecting and reading,
sets up Digest authentication by installing a process-wide urllib opener, and has no hook
for retries; and the Graph Store Protocol needs PUT anyway. One client for queries, updates
and graph writes gives every request the same timeouts, credentials and messages.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from kg.errors import QueryError, StoreError

USER_AGENT = "kg (SPARQL client)"
MAX_RETRY_WAIT = 10.0  # seconds, for one Retry-After


@dataclass
class Response:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()


@dataclass(frozen=True)
class Credentials:
    scheme: str  # none | basic | digest | bearer
    user: str | None = None
    password: str | None = None
    token: str | None = None


class _Connection:
    """Connect with one timeout, then read with another."""

    def __init__(self, scheme: str, host: str, port: int | None, connect_timeout: float, read_timeout: float):
        cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        self.conn = cls(host, port, timeout=connect_timeout or None)
        self.read_timeout = read_timeout or None

    def ensure_connected(self) -> None:
        if self.conn.sock is None:
            self.conn.connect()
            self.conn.sock.settimeout(self.read_timeout)


class HttpClient:
    def __init__(self, credentials: Credentials, connect_timeout: float = 5.0, read_timeout: float = 60.0,
                 retries: int = 3, backoff: float = 0.5):
        self.credentials = credentials
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = retries
        self.backoff = backoff
        self._local = threading.local()  # per-thread kept-alive connections
        self._digest: dict | None = None  # the last Digest challenge, reused with a counter
        self._digest_count = 0
        self._lock = threading.Lock()

    # -- public ----------------------------------------------------------------------------

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None,
                *, what: str, rejected: type[Exception] = QueryError, ok_statuses: tuple[int, ...] = ()) -> Response:
        """Send a request and return a 2xx response (or one of ``ok_statuses``); otherwise
        raise a one-line error naming ``what`` was attempted. A 400 raises ``rejected``
        with the server's message."""
        attempt = 0
        while True:
            response = self._send_authenticated(method, url, body, headers or {}, what)
            if response.status in (429, 503) and attempt < self.retries:
                time.sleep(self._retry_wait(response, attempt))
                attempt += 1
                continue
            if 200 <= response.status < 300 or response.status in ok_statuses:
                return response
            raise _status_error(response, url, what, rejected)

    def close(self) -> None:
        conns = getattr(self._local, "conns", {})
        for c in conns.values():
            c.conn.close()
        conns.clear()

    # -- internals -------------------------------------------------------------------------

    def _retry_wait(self, response: Response, attempt: int) -> float:
        after = response.headers.get("Retry-After", "")
        if after.strip().isdigit():
            return min(float(after), MAX_RETRY_WAIT)
        return min(self.backoff * 2 ** attempt, MAX_RETRY_WAIT)

    def _send_authenticated(self, method, url, body, headers, what) -> Response:
        creds = self.credentials
        headers = {"User-Agent": USER_AGENT, **headers}
        path = _path(url)
        if creds.scheme == "basic":
            token = base64.b64encode(f"{creds.user}:{creds.password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
        elif creds.scheme == "bearer":
            headers["Authorization"] = f"Bearer {creds.token}"
        elif creds.scheme == "digest" and self._digest:
            headers["Authorization"] = self._digest_authorization(method, path)
        response = self._send(method, url, body, headers, what)
        if response.status == 401 and creds.scheme == "digest":
            challenge = _digest_challenge(response.headers.get_all("WWW-Authenticate") or [])
            if challenge is not None:
                with self._lock:
                    self._digest, self._digest_count = challenge, 0
                headers["Authorization"] = self._digest_authorization(method, path)
                response = self._send(method, url, body, headers, what)
        return response

    def _digest_authorization(self, method: str, path: str) -> str:
        with self._lock:
            self._digest_count += 1
            return _digest_response(self._digest, method, path, self.credentials.user or "",
                                    self.credentials.password or "", self._digest_count)

    def _connection(self, scheme: str, host: str, port: int | None) -> _Connection:
        conns = self._local.__dict__.setdefault("conns", {})
        key = (scheme, host, port)
        if key not in conns:
            conns[key] = _Connection(scheme, host, port, self.connect_timeout, self.read_timeout)
        return conns[key]

    def _send(self, method, url, body, headers, what) -> Response:
        parts = urlsplit(url)
        where = f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        for fresh in (False, True):
            conn = self._connection(parts.scheme, parts.hostname, parts.port)
            reused = conn.conn.sock is not None
            try:
                conn.ensure_connected()
            except (ConnectionRefusedError, socket.timeout, socket.gaierror, OSError) as e:
                conn.conn.close()
                raise _connect_error(e, where, url, self.connect_timeout) from None
            try:
                conn.conn.request(method, _path(url), body=body, headers=headers)
                resp = conn.conn.getresponse()
                data = resp.read()
            except socket.timeout:
                conn.conn.close()
                raise StoreError(f"the SPARQL server at {where} did not answer within "
                                 f"{self.read_timeout:g} s ({what}; read timeout, KG_READ_TIMEOUT)") from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
                conn.conn.close()
                if reused and not fresh:
                    continue  # a kept-alive connection the server had closed: once more, anew
                raise StoreError(f"the SPARQL server at {where} dropped the connection ({what}): {e}") from None
            except (ssl.SSLError, http.client.HTTPException, OSError) as e:
                conn.conn.close()
                raise StoreError(f"talking to the SPARQL server at {where} failed ({what}): {e}") from None
            if resp.getheader("Connection", "").lower() == "close":
                conn.conn.close()
            return Response(resp.status, resp.msg, data)
        raise AssertionError("unreachable")


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _connect_error(e: Exception, where: str, url: str, timeout: float) -> StoreError:
    if isinstance(e, socket.gaierror):
        return StoreError(f"cannot reach the SPARQL server at {url}: unknown host ({e.strerror})")
    if isinstance(e, socket.timeout):
        return StoreError(f"cannot reach the SPARQL server at {where}: no answer within {timeout:g} s "
                          "(connect timeout, KG_CONNECT_TIMEOUT)")
    if isinstance(e, ConnectionRefusedError):
        return StoreError(f"cannot reach the SPARQL server at {where}: connection refused (is it running?)")
    if isinstance(e, ssl.SSLError):
        return StoreError(f"cannot reach the SPARQL server at {where}: TLS failed ({e.reason or e})")
    return StoreError(f"cannot reach the SPARQL server at {where}: {e.strerror or e}")


def server_message(response: Response, limit: int = 400) -> str:
    """The server's error text on one line: tags stripped, whitespace collapsed, shortened."""
    text = response.body.decode("utf-8", "replace")
    if "html" in response.content_type:
        text = re.sub(r"(?is)<(script|style).*?</\1>|<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_error(response: Response, url: str, what: str, rejected: type[Exception]) -> Exception:
    status, message = response.status, server_message(response)
    detail = f": {message}" if message else ""
    if status == 400:
        return rejected(f"the SPARQL server rejected the {what}{detail}")
    if status in (401, 403):
        reason = "authentication refused" if status == 401 else "permission refused"
        return StoreError(f"{url}: {reason} ({status}) for the {what}; check KG_USER/KG_PASSWORD, KG_TOKEN "
                          f"or KG_AUTH (or the config file){detail}")
    if status == 404:
        return StoreError(f"{url}: not found (404) — is this the right {what} endpoint? "
                          f"(KG_SERVER, KG_QUERY_URL/KG_UPDATE_URL/KG_GSP_URL){detail}")
    if status in (429, 503):
        return StoreError(f"{url}: the server is busy ({status}) and stayed so after retries ({what}){detail}")
    return StoreError(f"{url}: the server failed the {what} ({status} {response_reason(status)}){detail}")


def response_reason(status: int) -> str:
    try:
        return http.client.responses[status]
    except KeyError:
        return "error"


# -- Digest (RFC 7616; MD5 and SHA-256, with or without -sess, qop=auth) -------------------

_PARAM = re.compile(r'(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+)')


def _digest_challenge(values: list[str]) -> dict | None:
    for value in values:
        start = value.lower().find("digest ")
        if start < 0:
            continue
        params = {k.lower(): v[1:-1].replace('\\"', '"') if v.startswith('"') else v
                  for k, v in _PARAM.findall(value[start + 7:])}
        if "nonce" in params:
            return params
    return None


def _digest_response(ch: dict, method: str, path: str, user: str, password: str, count: int) -> str:
    algorithm = ch.get("algorithm", "MD5")
    base = algorithm.upper().removesuffix("-SESS")
    hash_name = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}.get(base, "md5")

    def h(text: str) -> str:
        return hashlib.new(hash_name, text.encode("utf-8")).hexdigest()

    realm, nonce = ch.get("realm", ""), ch["nonce"]
    cnonce = os.urandom(8).hex()
    nc = f"{count:08x}"
    ha1 = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{path}")
    qops = [q.strip() for q in ch.get("qop", "").split(",") if q.strip()]
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": path}
    if "auth" in qops:
        fields["response"] = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        plain = {"qop": "auth", "nc": nc}
        fields["cnonce"] = cnonce
    else:
        fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
        plain = {}
    if "opaque" in ch:
        fields["opaque"] = ch["opaque"]
    quoted = ", ".join(f'{k}="{v}"' for k, v in fields.items())
    rest = "".join(f", {k}={v}" for k, v in {"algorithm": algorithm, **plain}.items())
    return f"Digest {quoted}{rest}"
