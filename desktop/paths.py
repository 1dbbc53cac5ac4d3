"""Find ``resources/`` (icons, translations, fonts) in every way the app runs.

* from a checkout or an editable install: ``resources/`` beside ``desktop/``;
* from a PyInstaller bundle: ``resources/`` inside ``sys._MEIPASS``;
* from a wheel (``pip install .``): ``share/feltbog/resources`` under the environment's prefix
  (``[tool.setuptools.data-files]`` in pyproject.toml), or under the user base with ``pip install --user``;
* ``FELTBOG_RESOURCES`` overrides all of them.
"""

from __future__ import annotations

import os
import site
import sys
from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    """The folder holding the app's resources; raises if none is found."""
    candidates = []
    if os.environ.get("FELTBOG_RESOURCES"):
        candidates.append(Path(os.environ["FELTBOG_RESOURCES"]))
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "resources")
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    candidates.append(Path(sys.prefix) / "share" / "feltbog" / "resources")
    candidates.append(Path(site.getuserbase()) / "share" / "feltbog" / "resources")
    for folder in candidates:
        if (folder / "fonts").is_dir():
            return folder
    raise FileNotFoundError("Feltbog's resources folder was not found: " + ", ".join(map(str, candidates)))


def resource(*parts: str) -> Path:
    """Path of one resource file, e.g. ``resource("fonts", "DejaVuSans.ttf")``."""
    return resources_dir().joinpath(*parts)
