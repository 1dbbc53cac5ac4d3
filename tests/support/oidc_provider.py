"""A real OpenID provider for tests: npm's ``oidc-provider`` run by Node.js on 127.0.0.1.

``tests/support/oidc/ensure-provider.sh`` installs it (pinned by its
package-lock.json) into a cache folder; :class:`OidcProvider` runs
``provider.mjs`` with a client and users, and :class:`Browser` does what the
system browser would: it opens the authorization URL, fills in the login page
and follows the redirects until the last one, to the app's loopback listener.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).parent / "oidc"
CLIENT_ID = "feltbog-desktop"
REDIRECT_URI = "http://127.0.0.1/callback"


def provider_script() -> str:
    """Install the provider if needed and return its script; skip the test without Node.js or npm."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the OpenID provider tests need Node.js and npm ({', '.join(missing)} not found)")
    done = subprocess.run(["bash", str(HERE / "ensure-provider.sh")], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"installing the test OpenID provider failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


@dataclass
class OidcProvider:
    """``oidc-provider`` on a free loopback port (``issuer``), stopped on exit."""

    folder: Path
    users: dict[str, dict[str, Any]]
    redirect_uris: list[str] = field(default_factory=lambda: [REDIRECT_URI])  # loopback: any port
    client_secret: str = ""  # set: a confidential client (client_secret_post)
    issuer: str = ""
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    def __enter__(self) -> OidcProvider:
        script = provider_script()
        config = self.folder / "oidc-provider.json"
        config.write_text(json.dumps({"client_id": CLIENT_ID, "redirect_uris": self.redirect_uris,
                                      "client_secret": self.client_secret, "users": self.users}))
        self.log = (self.folder / "oidc-provider.log").open("w")
        self.process = subprocess.Popen(["node", script, str(config)], stdout=subprocess.PIPE, stderr=self.log,
                                        text=True)
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        try:
            first = lines.get(timeout=60)
        except queue.Empty:
            self.__exit__()
            raise RuntimeError("the test OpenID provider did not start") from None
        if not first.startswith("listening "):
            self.__exit__()
            raise RuntimeError(f"the test OpenID provider said {first!r}")
        self.issuer = first.split()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(15)
            self.process = None
        self.log.close()

    def _control(self, what: str, **body: Any) -> dict[str, Any]:
        reply = requests.post(f"{self.issuer}/__test__/{what}", json=body, timeout=10)
        reply.raise_for_status()
        return dict(reply.json())

    def rotate(self) -> str:
        """A new signing key (first in the key set); returns its kid."""
        return str(self._control("rotate")["kid"])

    def set_groups(self, user: str, groups: list[str]) -> None:
        """The user's groups from now on (as IT changing them in the directory)."""
        self._control("groups", user=user, groups=groups)

    def tamper(self, mode: str) -> None:
        """Spoil the ID token of the next token response: "audience", "expired" or "signature"."""
        self._control("tamper", mode=mode)


class Browser:
    """The system browser in a test: a requests.Session that signs in on the provider's page."""

    def __init__(self, username: str, password: str, cancel: Any = None) -> None:
        self.username = username
        self.password = password
        self.cancel = cancel  # cancelled when browsing fails, so the app stops waiting
        self.errors: list[BaseException] = []
        self.http = requests.Session()
        self.opened: list[str] = []
        self.redirect = ""  # the provider's last redirect, to the app's loopback listener

    def sign_in(self, url: str) -> str:
        """Log in at ``url`` and return the redirect to the loopback listener, without following it."""
        self.opened.append(url)
        location = url
        for _ in range(20):
            reply = self.http.get(location, allow_redirects=False, timeout=10)
            if reply.status_code in (302, 303) and reply.headers.get("Location"):
                location = urljoin(location, reply.headers["Location"])
                if urlsplit(location).port != urlsplit(url).port:  # left the provider: the app's listener
                    self.redirect = location
                    return location
                continue
            if reply.status_code == 200 and 'name="password"' in reply.text:
                form = urljoin(location, reply.text.split('action="', 1)[1].split('"', 1)[0])
                reply = self.http.post(form, data={"username": self.username, "password": self.password},
                                       allow_redirects=False, timeout=10)
                assert reply.status_code in (302, 303), reply.text[:500]
                location = urljoin(form, reply.headers["Location"])
                continue
            raise AssertionError(f"unexpected page from the provider ({reply.status_code}): {reply.text[:500]}")
        raise AssertionError("the provider redirected in circles")

    def open(self, url: str) -> bool:
        """What ``webbrowser.open`` does for the app: here, in a thread, sign in and hand over the redirect."""
        def browse() -> None:
            try:
                deliver(self.sign_in(url))
            except Exception as exc:  # shown by the test; the app's wait is cancelled
                self.errors.append(exc)
                if self.cancel is not None:
                    self.cancel.cancel()

        threading.Thread(target=browse, daemon=True).start()
        return True


def deliver(location: str) -> requests.Response:
    """The browser following the provider's redirect to the app's loopback listener (up before it opens)."""
    return requests.get(location, timeout=10)
