"""Sign-in with the municipality's account, the way native apps must (RFC 8252).

1. The server's ``GET /auth/methods`` names the provider (issuer, client id,
   scopes, authorization endpoint, redirect URI): the app needs only the
   server address.
2. :class:`BrowserSignIn` listens on 127.0.0.1 on a random port, opens the
   system browser (``open_browser``, ``webbrowser.open`` unless a test gives
   another) at the authorization URL: the authorization-code flow with PKCE
   (S256), a fresh ``state`` and ``nonce``.
3. The consultant signs in in the browser; the provider redirects to the
   loopback listener. A redirect whose ``state`` is not ours is refused and
   ends the attempt (someone else's code must not be taken in); a provider
   error (e.g. the user cancelled) ends it too. The wait is bounded and can be
   cancelled from the UI.
4. The code, the PKCE verifier, the redirect URI and the nonce go to the
   server (``POST /auth/oidc``), which redeems the code at the provider and
   checks the ID token, nonce included, and answers as a password login does.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from desktop.cancel import CancelToken

log = logging.getLogger(__name__)
WAIT_SECONDS = 300.0  # the consultant signs in (maybe with MFA on the phone) within five minutes
POLL_SECONDS = 0.2  # how often the wait looks at the cancel button

DONE_PAGE = ("<!doctype html><html lang='da'><meta charset='utf-8'><title>Feltbog</title>"
             "<body style='font-family:sans-serif;margin:3em'><h1>{title}</h1><p>{text}</p></body></html>")


class SignInFailed(Exception):
    """The browser sign-in did not give a code; ``reason`` says why (for the log), ``kind`` for the UI.

    ``kind``: ``"state"`` (a redirect that was not ours), ``"provider"`` (the provider said no, or the user
    cancelled there), ``"timeout"``, ``"cancelled"``, ``"browser"`` (no browser could be opened),
    ``"not_offered"`` (the server does not offer it).
    """

    def __init__(self, kind: str, reason: str = "") -> None:
        super().__init__(f"{kind}: {reason}" if reason else kind)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class ProviderInfo:
    """What the server's ``/auth/methods`` says about its identity provider."""

    issuer: str
    client_id: str
    scopes: tuple[str, ...]
    authorization_endpoint: str
    redirect_uri: str

    @classmethod
    def from_methods(cls, methods: dict[str, Any]) -> ProviderInfo | None:
        """None when the server offers no OIDC sign-in (or cannot reach its provider just now)."""
        oidc = methods.get("oidc")
        if not isinstance(oidc, dict) or not oidc.get("authorization_endpoint"):
            return None
        return cls(str(oidc["issuer"]), str(oidc["client_id"]), tuple(oidc.get("scopes") or ("openid",)),
                   str(oidc["authorization_endpoint"]), str(oidc.get("redirect_uri") or "http://localhost"))


@dataclass(frozen=True)
class Authorization:
    """What the server needs to finish the sign-in."""

    code: str
    code_verifier: str
    redirect_uri: str
    nonce: str


class _Listener(HTTPServer):
    """The loopback listener: takes the first redirect to ``path`` and remembers what it carried."""

    def __init__(self, redirect_path: str, state: str) -> None:
        super().__init__(("127.0.0.1", 0), _Redirect)
        self.redirect_path = redirect_path
        self.state = state
        self.code: str | None = None
        self.failure: SignInFailed | None = None
        self.timeout = POLL_SECONDS

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Redirect(BaseHTTPRequestHandler):
    server: _Listener
    timeout = 5.0  # a connection that sends nothing does not hold the wait

    def log_message(self, format: str, *args: Any) -> None:
        """The query holds the code: nothing of it goes to stderr or the log."""

    def _page(self, status: int, title: str, text: str) -> None:
        body = DONE_PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """The provider's redirect: check the state, keep the code (or the error)."""
        parts = urlsplit(self.path)
        if parts.path.rstrip("/") != self.server.redirect_path.rstrip("/"):
            self._page(404, "Feltbog", "Ukendt adresse.")
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if not secrets.compare_digest(query.get("state", ""), self.server.state):
            self.server.failure = SignInFailed("state", "the redirect carried another state")
            self._page(400, "Login afvist", "Svaret kom ikke fra det login, Feltbog startede. Prøv igen fra Feltbog.")
        elif "error" in query:
            self.server.failure = SignInFailed("provider", query["error"][:100])
            self._page(200, "Login afbrudt", "Du kan lukke dette vindue og gå tilbage til Feltbog.")
        elif query.get("code"):
            self.server.code = query["code"]
            self._page(200, "Du er logget ind", "Du kan lukke dette vindue og gå tilbage til Feltbog.")
        else:
            self.server.failure = SignInFailed("provider", "no code in the redirect")
            self._page(400, "Login afvist", "Svaret manglede koden. Prøv igen fra Feltbog.")


class BrowserSignIn:
    """One sign-in in the system browser; :meth:`run` blocks until the redirect, a failure or the deadline."""

    def __init__(self, info: ProviderInfo, open_browser: Callable[[str], bool] = webbrowser.open,
                 wait_seconds: float = WAIT_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.info = info
        self.open_browser = open_browser
        self.wait_seconds = wait_seconds
        self.clock = clock
        self.state = secrets.token_urlsafe(32)
        self.nonce = secrets.token_urlsafe(32)
        # authlib is imported here, not at the top: it takes 0.2 s to load and a start-up never needs it.
        from authlib.common.security import generate_token

        self.code_verifier = generate_token(64)  # RFC 7636: 43-128 unreserved characters
        self.authorization_url = ""  # set by run(), before the browser opens (tests read it)
        self.listening = threading.Event()

    def _redirect_uri(self, port: int) -> str:
        parts = urlsplit(self.info.redirect_uri)
        return urlunsplit((parts.scheme, f"{parts.hostname}:{port}", parts.path, "", ""))

    def run(self, cancel: CancelToken | None = None) -> Authorization:
        """Open the browser and wait for the provider's redirect; :class:`SignInFailed` if none comes."""
        from authlib.integrations.requests_client import OAuth2Session

        listener = _Listener(urlsplit(self.info.redirect_uri).path or "/", self.state)
        try:
            redirect_uri = self._redirect_uri(listener.port)
            with OAuth2Session(self.info.client_id, scope=" ".join(self.info.scopes), redirect_uri=redirect_uri,
                               code_challenge_method="S256") as session:
                self.authorization_url, _ = session.create_authorization_url(
                    self.info.authorization_endpoint, state=self.state, code_verifier=self.code_verifier,
                    nonce=self.nonce)
            self.listening.set()
            if not self.open_browser(self.authorization_url):
                raise SignInFailed("browser", "no browser could be opened")
            deadline = self.clock() + self.wait_seconds
            while listener.code is None and listener.failure is None:
                if cancel is not None and cancel.cancelled:
                    raise SignInFailed("cancelled")
                if self.clock() > deadline:
                    raise SignInFailed("timeout", f"no redirect within {self.wait_seconds:.0f} s")
                listener.handle_request()  # returns after POLL_SECONDS without a request
            if listener.failure is not None:
                log.info("Browser sign-in failed (%s)", listener.failure.kind)
                raise listener.failure
            assert listener.code is not None
            return Authorization(listener.code, self.code_verifier, redirect_uri, self.nonce)
        finally:
            listener.server_close()
