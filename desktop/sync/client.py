"""HTTP client for the sync server (DESIGN.md §4), on one requests.Session.

Every failure comes out as a :class:`SyncError`: the engine and the UI never
see a requests exception or an HTTP status code.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from desktop import __version__
from desktop.credentials import Credentials
from desktop.domain.privacy import ERASED
from desktop.domain.protocol import API_PREFIX, SCHEMA_VERSION
from desktop.sync.address import normalize_server_url
from desktop.sync.errors import SyncError, SyncErrorKind

if TYPE_CHECKING:
    import requests

# requests (with urllib3, the TLS trust store and their imports) is imported when the first client is made,
# not at start-up: a window that only shows local data never needs it (docs/performance.md, start-up).

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0  # a 5,000-record page on a slow line
SMALL_READ_TIMEOUT = 15.0  # a small answer (the summary starts every sync): a frozen server shows within seconds
# A random key of this installation, kept in the OS keychain and sent with every login: the server
# lets a device that signed the user in before through lock-outs that others' guessing caused.
DEVICE_HEADER = "X-Feltbog-Device"
PREPARED_CHUNK = 1 << 20  # bytes per write of a downloaded prepared copy
NO_ERASURE = "feltbog_no_erasure"  # set on received pages by this client, not a protocol field
_ERASED_BYTES = ERASED.encode()
_device_key = Credentials("device-key")


def device_key() -> str:
    """This installation's device key (made on first use)."""
    key = _device_key.get_token()
    if not key:
        key = secrets.token_urlsafe(32)
        _device_key.set_token(key)
    return key


def _note_erasure(body: dict[str, Any], raw: bytes) -> None:
    """Mark the page(s) in ``body`` that cannot carry erased text: :data:`ERASED` is not in their bytes.

    The marker is printable ASCII that JSON never escapes, so a field holding
    it shows it verbatim; a page without those bytes needs no scan of every
    field (:func:`page_may_erase`). A marker the server sent is overwritten.
    """
    clean = _ERASED_BYTES not in raw
    for page in (body, body.get("page")):
        if isinstance(page, dict) and "changes" in page:
            page[NO_ERASURE] = clean


def page_may_erase(page: dict[str, Any]) -> bool:
    """False only for a page this client received whose bytes do not hold erased text."""
    return page.get(NO_ERASURE) is not True


class SyncClient:
    """Talks to one server. ``token`` is read through ``get_token`` at each call.

    The address is checked here, before any request can be sent (plain
    ``http`` only to this computer: :mod:`desktop.sync.address`), and HTTPS
    verifies against the OS trust store (:mod:`desktop.sync.tls`).
    """

    def __init__(
        self,
        base_url: str,
        get_token: Callable[[], str | None] = lambda: None,
        session: requests.Session | None = None,
    ) -> None:
        import requests

        from desktop.sync.tls import use_os_trust_store

        self.base_url = normalize_server_url(base_url)
        self.get_token = get_token
        self.http = use_os_trust_store(session or requests.Session())
        self.http.headers["User-Agent"] = f"Feltbog/{__version__} (schema {SCHEMA_VERSION})"
        self.http.headers["Accept-Encoding"] = "gzip"
        self.bytes_received = 0

    def _url(self, path: str) -> str:
        return f"{self.base_url}{API_PREFIX}{path}"

    def _request(self, method: str, path: str, *, auth: bool = True, read_timeout: float = READ_TIMEOUT,
                 pages: bool = False, **kwargs: Any) -> Any:
        response = self._send(method, path, auth=auth, read_timeout=read_timeout, **kwargs)
        self.bytes_received += len(response.content)
        body = self._decode(response)
        if pages and isinstance(body, dict):
            _note_erasure(body, response.content)
        return body

    def _send(self, method: str, path: str, *, auth: bool = True, read_timeout: float = READ_TIMEOUT,
              **kwargs: Any) -> requests.Response:
        """Send one request (with the token, a JSON body encoded); a failure to get an answer is a SyncError."""
        import requests  # imported by __init__ already: a dictionary look-up

        from desktop.sync.tls import certificate_problem

        headers = dict(kwargs.pop("headers", None) or {})
        if auth:
            token = self.get_token()
            if not token:
                raise SyncError(SyncErrorKind.AUTH, "not signed in")
            headers["Authorization"] = f"Bearer {token}"
        if "json" in kwargs:
            headers["Content-Type"] = "application/json"
            kwargs["data"] = orjson.dumps(kwargs.pop("json"))
        try:
            return self.http.request(
                method, self._url(path), headers=headers, timeout=(CONNECT_TIMEOUT, read_timeout), **kwargs
            )
        except requests.exceptions.SSLError as exc:  # before ConnectionError, its base class
            problem = certificate_problem(exc)
            if problem is None:
                log.warning("TLS with %s failed, not over the certificate", self.base_url)
                raise SyncError(SyncErrorKind.NETWORK, "SSLError") from exc
            log.warning("The certificate of %s was not accepted: %s", self.base_url, problem)
            raise SyncError(SyncErrorKind.CERTIFICATE, problem) from exc
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise SyncError(SyncErrorKind.NETWORK, type(exc).__name__) from exc
        except requests.RequestException as exc:
            raise SyncError(SyncErrorKind.PROTOCOL, str(exc)) from exc

    def _json(self, method: str, path: str, *, auth: bool = True, pages: bool = False, **kwargs: Any) -> dict[str, Any]:
        """A request whose answer must be a JSON object; anything else is a protocol error.

        ``pages``: the answer is or holds a pull page; see :func:`_note_erasure`.
        """
        body = self._request(method, path, auth=auth, pages=pages, **kwargs)
        if not isinstance(body, dict):
            raise SyncError(SyncErrorKind.PROTOCOL, f"{path}: expected a JSON object")
        return body

    @staticmethod
    def _detail(response: requests.Response) -> Any:
        try:
            return orjson.loads(response.content).get("detail")
        except (orjson.JSONDecodeError, AttributeError):
            return response.text[:200]

    def _decode(self, response: requests.Response) -> Any:
        status = response.status_code
        if status == 401:
            raise SyncError(SyncErrorKind.AUTH, str(self._detail(response)), status)
        if status == 410:
            raise SyncError(SyncErrorKind.RESYNC, str(self._detail(response)), status)
        if status == 426:
            raise SyncError(SyncErrorKind.VERSION, str(self._detail(response)), status)
        if status >= 500 or status in (429, 502, 503, 504):
            raise SyncError(SyncErrorKind.SERVER, f"HTTP {status}", status)
        if status >= 400:
            detail = self._detail(response)
            raise SyncError(SyncErrorKind.PROTOCOL, f"HTTP {status}: {detail}", status, payload=detail)
        if status == 204:  # no content (logout, access/wiped)
            return None
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise SyncError(SyncErrorKind.PROTOCOL, "not JSON", status) from exc

    # -- the endpoints ---------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``GET /health``: is the server there, and what time does it say it is."""
        return self._json("GET", "/health", auth=False, read_timeout=SMALL_READ_TIMEOUT)

    def login(self, username: str, password: str, device_name: str) -> dict[str, Any]:
        """``POST /auth/login``: returns ``{token, user, teams, ...}``."""
        return self._json(
            "POST",
            "/auth/login",
            auth=False,
            json={"username": username, "password": password, "device_name": device_name},
            headers={DEVICE_HEADER: device_key()},
        )

    def methods(self) -> dict[str, Any]:
        """``GET /auth/methods``: which sign-in methods the server offers, and its identity provider."""
        return self._json("GET", "/auth/methods", auth=False, read_timeout=SMALL_READ_TIMEOUT)

    def login_oidc(self, code: str, code_verifier: str, redirect_uri: str, nonce: str,
                   device_name: str) -> dict[str, Any]:
        """``POST /auth/oidc``: the browser sign-in's code for ``{token, user, teams, ...}`` (as login)."""
        return self._json(
            "POST",
            "/auth/oidc",
            auth=False,
            json={"code": code, "code_verifier": code_verifier, "redirect_uri": redirect_uri, "nonce": nonce,
                  "device_name": device_name},
            headers={DEVICE_HEADER: device_key()},
        )

    def logout(self) -> None:
        """``POST /auth/logout``: revoke the current token on the server."""
        self._request("POST", "/auth/logout")

    def refresh(self) -> dict[str, Any]:
        """``POST /auth/refresh``: ``{token, expires_at}`` for the current token, which the server revokes."""
        return self._json("POST", "/auth/refresh")

    def push(self, device_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
        """``POST /sync/push`` one batch of mutations."""
        body = {"device_id": device_id, "schema_version": SCHEMA_VERSION, "mutations": mutations}
        return self._json("POST", "/sync/push", json=body)

    def pull(self, since: int, limit: int) -> dict[str, Any]:
        """``GET /sync/pull``: one page of changes after ``since``."""
        return self._json("GET", "/sync/pull", params={"since": since, "limit": limit}, pages=True)

    def prepared(self, schema: str, dest: Path,
                 on_chunk: Callable[[int, int], object] | None = None) -> dict[str, Any] | None:
        """``GET /sync/prepared``: download a prepared first sync into ``dest``; its ``{cursor, records}``.

        None when the server has none for this laptop (not ready yet, too few
        records, another app version, or a server without them). The file is
        streamed to disk, never held in memory, and checked against the
        server's SHA-256 before anything uses it. ``on_chunk(bytes received,
        bytes in all)`` follows the download (on a slow line it takes a while);
        what it raises (a cancel) ends the download.
        """
        import requests
        import urllib3

        digest = hashlib.sha256()
        try:
            with self._send("GET", "/sync/prepared", params={"schema": schema}, stream=True) as response:
                if response.status_code in (202, 404):
                    return None
                if response.status_code != 200:
                    self._decode(response)  # raises the matching SyncError
                    raise SyncError(SyncErrorKind.PROTOCOL, f"HTTP {response.status_code}", response.status_code)
                # The bytes as sent are hashed (a quarter of the unpacked size) and unpacked on the way.
                inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                size = int(response.headers.get("Content-Length") or 0)
                with dest.open("wb") as out:
                    while chunk := response.raw.read(PREPARED_CHUNK, decode_content=False):
                        digest.update(chunk)
                        out.write(inflate.decompress(chunk))
                        if on_chunk is not None:
                            on_chunk(int(response.raw.tell()), size)
                    out.write(inflate.flush())
                self.bytes_received += int(response.raw.tell())
                headers = response.headers
        except (requests.ConnectionError, requests.Timeout, urllib3.exceptions.HTTPError) as exc:
            # While the body streams in, raw.read raises urllib3's own errors (a dropped line, a read timeout)
            raise SyncError(SyncErrorKind.NETWORK, type(exc).__name__) from exc
        except (requests.RequestException, zlib.error) as exc:
            raise SyncError(SyncErrorKind.PROTOCOL, str(exc)) from exc
        if not inflate.eof:
            raise SyncError(SyncErrorKind.PROTOCOL, "the prepared copy arrived cut short")
        try:
            described = {"cursor": int(headers["X-Feltbog-Cursor"]), "records": int(headers["X-Feltbog-Records"])}
        except (KeyError, ValueError) as exc:
            raise SyncError(SyncErrorKind.PROTOCOL, "prepared copy without its description") from exc
        if digest.hexdigest() != headers.get("X-Feltbog-Sha256"):
            raise SyncError(SyncErrorKind.PROTOCOL, "the prepared copy arrived damaged")
        return described

    def summary(self, era: int | None = None, cursor: int | None = None, *, since: int | None = None,
                limit: int | None = None) -> dict[str, Any]:
        """``GET /sync/summary``: per-entity counts, the checksum and the server's era.

        With this device's last known ``era`` and its ``cursor``, the server
        can notice that it was restored from a backup (server/restore.py).
        With ``since`` and ``limit`` a server may add ``page``: the first pull
        page after ``since`` when there is something newer (an older server
        leaves it out; then pull as always).
        """
        params: dict[str, int] = {"era": era, "cursor": cursor} if era is not None and cursor is not None else {}
        if since is not None and limit is not None:
            params |= {"since": since, "limit": limit}
        return self._json("GET", "/sync/summary", params=params or None, read_timeout=SMALL_READ_TIMEOUT,
                          pages="since" in params)

    def access(self) -> dict[str, Any]:
        """``GET /sync/access``: ``{state: active|closing, teams}`` (asked after a 401; see server/access.py)."""
        return self._json("GET", "/sync/access", read_timeout=SMALL_READ_TIMEOUT)

    def access_wiped(self, device_id: str) -> None:
        """``POST /sync/access/wiped``: this device removed what it may not keep."""
        self._request("POST", "/sync/access/wiped", params={"device_id": device_id})

    def members(self) -> dict[str, Any]:
        """``GET /teams/members``: names of the people in my teams."""
        return self._json("GET", "/teams/members", read_timeout=SMALL_READ_TIMEOUT)

    def deleted(self) -> dict[str, Any]:
        """``GET /deleted``: ``{records: [...]}`` the user's teams deleted in the last 30 days."""
        return self._json("GET", "/deleted", read_timeout=SMALL_READ_TIMEOUT)

    def restore_deleted(self, record_id: str) -> dict[str, Any]:
        """``POST /deleted/{id}/restore``: put a deleted record back (the next sync brings it home)."""
        return self._json("POST", f"/deleted/{record_id}/restore")

    def review_queue(self, **filters: str) -> dict[str, Any]:
        """``GET /reviews/queue`` (supervisors)."""
        params = {k: v for k, v in filters.items() if v}
        return self._json("GET", "/reviews/queue", params=params)

    def add_review(self, visit_id: str, state: str, comment: str) -> dict[str, Any]:
        """``POST /visits/{id}/reviews`` (supervisors)."""
        return self._json("POST", f"/visits/{visit_id}/reviews", json={"state": state, "comment": comment})
