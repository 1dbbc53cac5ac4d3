"""What IT has preset for this computer: the server address, whether it is locked, the sign-in method (no Qt).

A consultant should never have to type a URL: the installer or IT places the
settings, and the sign-in dialog starts with them. They are read from, in
order of precedence (for each setting, the first place that sets it wins):

1. on Windows the policy key ``HKLM\\SOFTWARE\\Policies\\Feltbog`` (group policy);
2. on macOS the managed preference ``/Library/Managed Preferences/dk.feltbog.app.plist``
   (a configuration profile; a user-scoped profile's copy in ``…/<user>/`` comes first);
3. the file named by ``FELTBOG_PRESET`` when that is set (tests, a portable
   install) - instead of 4 and 5;
4. ``feltbog.toml`` (or ``feltbog.json``) beside the executable of an installed (frozen) app;
5. ``feltbog.toml`` (or ``.json``) in the machine-wide config folder
   (``platformdirs.site_config_dir``: ``C:\\ProgramData\\Feltbog``,
   ``/Library/Application Support/Feltbog``, ``/etc/xdg/Feltbog``).

The settings have the same names everywhere; case, ``_`` and ``-`` do not
matter (``server_url`` in a file, ``ServerUrl`` in the registry):
``server_url``, ``lock_server_url``, ``sign_in_method`` (``password`` or
``oidc``), ``oidc_issuer``, ``oidc_client_id``. A source that cannot be read or
holds a wrong value is ignored as a whole, with a message in the log that
says where and why: never a crash, and never half of a broken file. A
setting this version does not know is skipped with a warning (a newer
app's setting must not void the file on older laptops).
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import plistlib
import sys
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

import platformdirs

from desktop.config import APP_NAME
from desktop.sync.address import AddressError, normalize_server_url

log = logging.getLogger(__name__)

ENV_OVERRIDE = "FELTBOG_PRESET"
FILE_NAMES = ("feltbog.toml", "feltbog.json")
POLICY_KEY = r"SOFTWARE\Policies\Feltbog"
MANAGED_PREFERENCES = Path("/Library/Managed Preferences")
BUNDLE_ID = "dk.feltbog.app"  # installers/feltbog.spec: a profile's preferences are the app's domain
SIGN_IN_METHODS = ("password", "oidc")
# the setting's name (as IT writes it) -> the field of Preset
SETTINGS = {"server_url": "server_url", "lock_server_url": "locked", "sign_in_method": "sign_in_method",
            "oidc_issuer": "oidc_issuer", "oidc_client_id": "oidc_client_id"}


class PresetError(ValueError):
    """A preset source that cannot be used; the message names the problem (never shown to consultants)."""


@dataclass(frozen=True)
class Preset:
    """The preset settings; empty when IT has set nothing."""

    server_url: str = ""
    locked: bool = False  # the address field is read-only
    sign_in_method: str = "password"
    oidc_issuer: str = ""  # the provider, if IT overrides what the server announces
    oidc_client_id: str = ""
    sources: tuple[str, ...] = ()  # where the settings came from, for the log

    @property
    def server_locked(self) -> bool:
        """True when there is an address and IT has locked it."""
        return self.locked and bool(self.server_url)


Source = tuple[str, Callable[[], Mapping[str, Any] | None]]  # (name for the log, read it: None when absent)


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


_KEYS = {_key(name): field for name, field in SETTINGS.items()}


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):  # a registry DWORD
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("0", "1", "true", "false"):
        return value.strip().lower() in ("1", "true")
    raise PresetError(f"{name} must be true or false, not {value!r}")


def _as_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise PresetError(f"{name} must be text, not {type(value).__name__}")
    return value.strip()


def parse_settings(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The settings one source gives (Preset field -> value), or :class:`PresetError`."""
    settings: dict[str, Any] = {}
    for name, value in raw.items():
        field = _KEYS.get(_key(str(name)))
        if field is None:  # a newer app's setting, or a typo: say so, and keep the rest of the file
            log.warning("Preset setting %r is not known and is skipped (known: %s)", str(name), ", ".join(SETTINGS))
            continue
        if field == "locked":
            settings[field] = _as_bool(name, value)
            continue
        text = _as_text(name, value)
        if not text:  # an empty value sets nothing (a template's blank line)
            continue
        try:
            if field in ("server_url", "oidc_issuer"):
                text = normalize_server_url(text)
        except AddressError as error:
            raise PresetError(f"{name}: {error.message('en')}") from None
        if field == "sign_in_method":
            text = text.lower()
            if text not in SIGN_IN_METHODS:
                raise PresetError(f"{name} must be one of {', '.join(SIGN_IN_METHODS)}, not {text!r}")
        settings[field] = text
    return settings


def read_file(path: Path) -> Mapping[str, Any] | None:
    """A TOML or JSON preset file's table (None if there is no such file); :class:`PresetError` if unreadable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PresetError(f"the file cannot be read ({error.strerror})") from None
    try:
        text = data.decode("utf-8-sig")  # Notepad may add a byte-order mark
        parsed = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise PresetError(f"not valid {path.suffix.lstrip('.').upper()}: {error}") from None
    if not isinstance(parsed, dict):
        raise PresetError("the file must hold a table of settings")
    return parsed


def read_plist(path: Path) -> Mapping[str, Any] | None:
    """A managed-preferences plist (None if absent); :class:`PresetError` if unreadable."""
    try:
        with path.open("rb") as handle:
            parsed = plistlib.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, plistlib.InvalidFileException, ValueError, ExpatError) as error:
        raise PresetError(f"not a readable property list: {error}") from None
    if not isinstance(parsed, dict):
        raise PresetError("the property list must hold a dictionary of settings")
    # A profile also writes its own bookkeeping keys (PayloadUUID, …): keep only ours.
    return {name: value for name, value in parsed.items() if _key(str(name)) in _KEYS}


def read_registry_policy() -> Mapping[str, Any] | None:
    """The values under ``HKLM\\SOFTWARE\\Policies\\Feltbog`` (Windows only; None when the key is absent)."""
    if sys.platform != "win32":
        return None
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, POLICY_KEY)
    except FileNotFoundError:
        return None
    values: dict[str, Any] = {}
    with key:
        index = 0
        while True:
            try:
                name, value, _kind = winreg.EnumValue(key, index)
            except OSError:  # no more values
                break
            values[name] = value
            index += 1
    return values


def _file_pair(folder: Path) -> list[Source]:
    return [(str(folder / name), partial(read_file, folder / name)) for name in FILE_NAMES]


def default_sources() -> list[Source]:
    """This computer's preset sources, most binding first (see the module docstring)."""
    sources: list[Source] = [("Windows policy HKLM\\" + POLICY_KEY, read_registry_policy)]
    if sys.platform == "darwin":
        plists = [MANAGED_PREFERENCES / f"{BUNDLE_ID}.plist"]
        try:  # a user-scoped profile is the more specific one
            plists.insert(0, MANAGED_PREFERENCES / getpass.getuser() / f"{BUNDLE_ID}.plist")
        except (OSError, KeyError):
            pass
        sources += [(str(plist), partial(read_plist, plist)) for plist in plists]
    override = os.environ.get(ENV_OVERRIDE)
    if override:
        path = Path(override)
        return [*sources, (str(path), partial(read_file, path))]
    if getattr(sys, "frozen", False):  # an installed app: beside Feltbog.exe (not the Python of a checkout)
        sources += _file_pair(Path(sys.executable).resolve().parent)
    sources += _file_pair(Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)))
    return sources


def load_preset(sources: Iterable[Source] | None = None) -> Preset:
    """The preset from ``sources`` (default: :func:`default_sources`); an empty Preset when none sets anything."""
    merged: dict[str, Any] = {}
    used: list[str] = []
    for name, read in default_sources() if sources is None else sources:
        try:
            raw = read()
            if raw is None:
                continue
            settings = parse_settings(raw)
        except PresetError as error:
            log.error("The preset %s is ignored: %s", name, str(error))
            continue
        except Exception:  # a broken registry or plist must not stop the app from starting
            log.exception("The preset %s is ignored: it could not be read", name)
            continue
        for field, value in settings.items():
            merged.setdefault(field, value)
        if settings:
            used.append(name)
    if used:
        log.info("Preset from %s: %s", ", ".join(used), ", ".join(n for n, f in SETTINGS.items() if f in merged))
    return Preset(**merged, sources=tuple(used))
