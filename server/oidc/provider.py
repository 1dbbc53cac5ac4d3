"""The server's side of the provider: discovery, its keys, redeeming codes and refresh tokens, ID tokens.

Why the server redeems the code (and the app never hands it an ID token): the
ID token then comes straight from the provider's token endpoint over TLS, so
a token stolen elsewhere or minted for another app cannot be handed in; the
code is single-use at the provider and bound by PKCE to the verifier only the
app that started the sign-in holds; and the server gets the provider's refresh
token, with which it reads the user's groups again at every Feltbog token
refresh. The ID token is validated in full all the same (signature against the
provider's published keys, issuer, audience, expiry, issue time, nonce).

The keys (JWKS) are cached for ``keys_cache_seconds`` and fetched again at
once when a token names a key id the cache does not hold (a key rotation).
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from server.oidc.settings import OidcSettings

log = logging.getLogger(__name__)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class ProviderUnreachable(Exception):
    """The provider did not answer (or not sensibly): the sign-in may be tried again later."""


class Refused(Exception):
    """The provider refused, or what it answered is not valid for us; ``reason`` is for the log and audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in, from a validated ID token."""

    issuer: str
    subject: str
    claims: dict[str, Any]
    refresh_token: str | None  # the provider's, to read the groups again at a Feltbog refresh


class Provider:
    """One configured provider; thread-safe (routes run in a thread pool)."""

    def __init__(self, settings: OidcSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._keys_fetched = 0.0

    # -- discovery and keys ------------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.settings.http_timeout_seconds)
            response.raise_for_status()
            body = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnreachable(f"{url}: {type(exc).__name__}") from exc
        if not isinstance(body, dict):
            raise ProviderUnreachable(f"{url}: not a JSON object")
        return body

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once, checked to be the configured issuer's)."""
        with self._lock:
            if self._metadata is None:
                url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
                found = self._get_json(url)
                if found.get("issuer") != self.settings.issuer:
                    raise ProviderUnreachable(f"discovery names issuer {found.get('issuer')!r}")
                self._metadata = found
            return self._metadata

    def keys(self, refresh: bool = False) -> KeySet:
        """The provider's signing keys: cached, fetched again when old or when ``refresh`` is asked."""
        uri = self.metadata()["jwks_uri"]
        with self._lock:
            stale = self.clock() - self._keys_fetched > self.settings.keys_cache_seconds
            if self._keys is None or refresh or stale:
                self._keys = KeySet.import_key_set(self._get_json(uri))  # type: ignore[arg-type]
                self._keys_fetched = self.clock()
                log.info("Fetched the provider's %d signing keys", len(self._keys.keys))
            return self._keys

    # -- the token endpoint ------------------------------------------------------------------

    def _session(self, redirect_uri: str | None = None, client_secret: str | None = None) -> OAuth2Session:
        if client_secret:  # a confidential (Web) client: the console's redemption at Entra ID
            return OAuth2Session(self.settings.client_id, client_secret, redirect_uri=redirect_uri,
                                 token_endpoint_auth_method="client_secret_post",
                                 default_timeout=self.settings.http_timeout_seconds)
        return OAuth2Session(self.settings.client_id, token_endpoint_auth_method="none", redirect_uri=redirect_uri,
                             default_timeout=self.settings.http_timeout_seconds)

    def authorization_url(self, redirect_uri: str, scopes: list[str], state: str, nonce: str,
                          code_verifier: str) -> str:
        """Where to send a browser to sign in (authorization code, PKCE S256): the web console's start."""
        endpoint = self.metadata()["authorization_endpoint"]
        with OAuth2Session(self.settings.client_id, redirect_uri=redirect_uri, scope=" ".join(scopes),
                           code_challenge_method="S256") as session:
            url, _state = session.create_authorization_url(endpoint, state=state, code_verifier=code_verifier,
                                                           nonce=nonce)
        return str(url)

    def _token_call(self, call: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        try:
            return call()
        except OAuthError as exc:  # invalid_grant (a used or expired code, a closed account), ...
            raise Refused(f"provider: {exc.error}") from exc
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnreachable(type(exc).__name__) from exc

    def redeem(self, code: str, code_verifier: str, redirect_uri: str, nonce: str,
               client_secret: str | None = None) -> Identity:
        """Exchange an authorization code (with its PKCE verifier) and validate the ID token.

        ``client_secret``: only for a confidential client's redirect URI (the web console's, at Entra ID).
        """
        endpoint = self.metadata()["token_endpoint"]
        with self._session(redirect_uri, client_secret) as session:
            reply = self._token_call(lambda: dict(session.fetch_token(
                endpoint, grant_type="authorization_code", code=code, code_verifier=code_verifier)))
        return self._identity(reply, nonce=nonce)

    def renew(self, refresh_token: str, subject: str) -> Identity:
        """Use the provider's refresh token: a fresh ID token for the same subject (groups as of now)."""
        endpoint = self.metadata()["token_endpoint"]
        with self._session() as session:
            reply = self._token_call(lambda: dict(session.refresh_token(endpoint, refresh_token=refresh_token)))
        identity = self._identity(reply, nonce=None)
        if identity.subject != subject:
            raise Refused("refresh: another subject")
        return Identity(identity.issuer, identity.subject, identity.claims,
                        identity.refresh_token or refresh_token)  # a provider that does not rotate keeps the old

    def _identity(self, reply: dict[str, Any], nonce: str | None) -> Identity:
        id_token = reply.get("id_token")
        if not isinstance(id_token, str):
            raise Refused("no id_token in the token response")
        claims = self.validate(id_token, nonce)
        refresh = reply.get("refresh_token")
        return Identity(claims["iss"], claims["sub"], claims, refresh if isinstance(refresh, str) else None)

    # -- ID tokens ---------------------------------------------------------------------------

    def _decode(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, self.keys(), algorithms=ALGORITHMS)
        except InvalidKeyIdError:  # a key the cache does not hold: the provider rotated its keys
            log.info("ID token signed with an unknown key id: fetching the provider's keys again")
            return jwt.decode(id_token, self.keys(refresh=True), algorithms=ALGORITHMS)

    def validate(self, id_token: str, nonce: str | None) -> dict[str, Any]:
        """The claims of a valid ID token for this client; :class:`Refused` for anything else.

        ``nonce`` (the one the app put in its authorization request) must match when given; at a
        refresh there is none to compare (OIDC Core 12.2).
        """
        try:
            token = self._decode(id_token)
            registry = jwt.JWTClaimsRegistry(
                now=lambda: int(self.clock()), leeway=self.settings.leeway_seconds,
                iss={"essential": True, "value": self.settings.issuer},
                aud={"essential": True, "value": self.settings.client_id},
                sub={"essential": True}, exp={"essential": True}, iat={"essential": True})
            registry.validate(token.claims)
        except ExpiredTokenError as exc:
            raise Refused("id_token: expired") from exc
        except JoseError as exc:
            raise Refused(f"id_token: {exc.error}: {exc.description}"[:200]) from exc
        claims = dict(token.claims)
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.client_id:  # OIDC Core 3.1.3.7, 4-5
            raise Refused("id_token: azp is not this client")
        if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise Refused("id_token: nonce does not match")
        return claims
