"""The OpenID Connect settings: which provider, which client, and who gets which team and role.

Read from the environment (``FELTBOG_OIDC_...``; lists and the rules as JSON) and, if
``FELTBOG_OIDC_FILE`` names one, from a TOML file (the environment wins). Nothing set: OIDC is off
and the server signs in with passwords only, as before. docs/deploy.md has examples.
"""

from __future__ import annotations

import os
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

ROLES = ("consultant", "supervisor", "admin")  # lowest to highest
FILE_VARIABLE = "FELTBOG_OIDC_FILE"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def _loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


class Rule(BaseModel):
    """One provider group (or app role) and what it gives: a team, a role, or both."""

    group: str = Field(min_length=1)  # a value of the groups claim: an Entra group's object id, an app role, ...
    team: str | None = None  # a Feltbog team's name or id
    role: Literal["consultant", "supervisor", "admin"] | None = None

    @model_validator(mode="after")
    def _gives_something(self) -> Rule:
        if self.team is None and self.role is None:
            raise ValueError(f"the rule for group {self.group!r} gives neither a team nor a role")
        return self


class OidcSettings(BaseSettings):
    """What an operator sets for sign-in with the municipality's account."""

    model_config = SettingsConfigDict(env_prefix="FELTBOG_OIDC_", extra="ignore")

    issuer: str = ""  # e.g. https://login.microsoftonline.com/<tenant id>/v2.0; empty: OIDC is off
    client_id: str = ""  # the application (client) id of the registration: the ID token's audience
    # As registered at the provider; the app adds the port it listens on (RFC 8252 7.3; Entra ID and
    # AD FS ignore the port of a loopback redirect URI). The app always listens on 127.0.0.1 only.
    redirect_uri: str = "http://localhost"
    scopes: list[str] = ["openid", "profile", "email", "offline_access"]  # offline_access: groups at refresh
    # The web console's sign-in (server/console/oidc_sign_in.py): the server is the client, with its own redirect
    # URI, registered at the provider as a *Web* redirect URI. Empty: <the server's address>/admin/oidc/callback.
    console_redirect_uri: str = ""
    # Entra ID redeems a code for a Web redirect URI only with the registration's secret; sent only then (the
    # app's loopback redirect is a public client's, which must send none). Empty: PKCE alone (a public client).
    client_secret: SecretStr = SecretStr("")
    groups_claim: str = "groups"  # "roles" for Entra app roles
    username_claim: str = "preferred_username"  # falls back to email, then to the subject
    name_claim: str = "name"
    rules: list[Rule] = []
    default_role: Literal["consultant", "supervisor", "admin"] = "consultant"  # for a team without a role rule
    link_by_username: bool = False  # a first sign-in may take over a password account of the same username
    token_days: int = 6  # the app refreshes when < 5 days are left: groups are checked again about daily
    password_login: Literal["everyone", "break_glass"] = "everyone"
    break_glass_users: list[str] = []  # usernames that may still sign in with a password
    break_glass_admins: bool = True  # admins may too
    leeway_seconds: int = 120  # clock difference tolerated on exp/iat
    keys_cache_seconds: int = 3600  # the provider's keys are fetched again after this, or at an unknown key id
    http_timeout_seconds: float = 10.0

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource, dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then the TOML file ``FELTBOG_OIDC_FILE`` (if set)."""
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if os.environ.get(FILE_VARIABLE):
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=os.environ[FILE_VARIABLE]))
        return tuple(sources)

    @model_validator(mode="after")
    def _complete(self) -> OidcSettings:
        if self.issuer and not self.client_id:
            raise ValueError("FELTBOG_OIDC_CLIENT_ID is needed with FELTBOG_OIDC_ISSUER")
        if self.issuer and "openid" not in self.scopes:
            raise ValueError("the scopes must include openid")
        if self.issuer and not (self.issuer.startswith("https://") or _loopback(self.issuer)):
            raise ValueError("the issuer must be an https:// address")
        if not _loopback(self.redirect_uri):
            raise ValueError("the redirect URI must be http:// on the loopback (localhost or 127.0.0.1)")
        console = self.console_redirect_uri
        if console and not (console.startswith("https://") or _loopback(console)):
            raise ValueError("the console's redirect URI must be an https:// address")
        return self

    def redirect_matches(self, uri: str) -> bool:
        """Is ``uri`` the configured redirect URI, on any port (what the app sends back)?"""
        sent, want = urlsplit(uri), urlsplit(self.redirect_uri)
        return (sent.scheme, sent.hostname, sent.path.rstrip("/")) == (want.scheme, want.hostname,
                                                                       want.path.rstrip("/"))

    @property
    def enabled(self) -> bool:
        """True when a provider is configured."""
        return bool(self.issuer)

    def password_allowed(self, username: str, role: str) -> bool:
        """May this account sign in with a password (break-glass accounts when passwords are off)?"""
        if self.password_login == "everyone":
            return True
        if self.break_glass_admins and role == "admin":
            return True
        return username.lower() in {name.lower() for name in self.break_glass_users}
