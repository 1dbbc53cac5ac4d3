"""``python -m desktop --version`` and ``python -m desktop --self-test``."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import desktop
from desktop.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run_desktop(*args: str, tmp_path: Path, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **extra_env,
        "QT_QPA_PLATFORM": "offscreen",
        # Keep the self-test away from the real user's folders and keychain.
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)


def test_version_is_printed(tmp_path):
    result = run_desktop("--version", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Feltbog {desktop.__version__}"
    assert not (tmp_path / "data").exists()  # printing the version touches no data


def test_the_version_is_the_packages_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert desktop.__version__ == project["version"]


def test_self_test_passes(tmp_path):
    result = run_desktop("--self-test", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    assert any(line.startswith("ok   database:") for line in lines)
    assert not any(line.startswith("FAIL") for line in lines)
    assert "ok   preset: none (the consultant types the server address)" in lines  # tests/conftest.py: none


def test_self_test_shows_it_what_was_preset(tmp_path):
    preset = tmp_path / "feltbog.toml"
    preset.write_text('server_url = "feltbog.jammerbugt.dk"\nlock_server_url = true\n', encoding="utf-8")
    result = run_desktop("--self-test", tmp_path=tmp_path, FELTBOG_PRESET=str(preset))
    assert f"ok   preset: server https://feltbog.jammerbugt.dk (locked), sign-in password, from {preset}" in \
        result.stdout.splitlines()


def test_version_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"Feltbog {desktop.__version__}\n"


def test_a_failing_check_fails_the_self_test(monkeypatch):
    from desktop import selftest

    def broken(_folder):
        raise AssertionError("database would not open")

    monkeypatch.setattr(selftest, "CHECKS", [broken])
    lines: list[str] = []
    assert selftest.run_self_test(lines.append) == 1
    assert lines[0].startswith("FAIL broken") and lines[-1] == "self-test failed (1)"
