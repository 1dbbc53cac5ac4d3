"""Run a built Feltbog binary the way CI checks every bundle: --version, then --self-test.

Usage: python installers/smoke_test.py PATH_TO_BINARY
Exits non-zero (and prints what the binary said) if either check fails.
"""

from __future__ import annotations

import os
import subprocess
import sys


def run(binary: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=300, env=env, check=False)


def main() -> int:
    binary = sys.argv[1]
    version = run(binary, "--version")
    print(version.stdout.strip() or version.stderr.strip())
    if version.returncode != 0 or "Feltbog" not in version.stdout:
        print("FAIL: --version", version.stderr, file=sys.stderr)
        return 1
    selftest = run(binary, "--self-test")
    print(selftest.stdout)
    if selftest.returncode != 0 or "self-test passed" not in selftest.stdout:
        print("FAIL: --self-test", selftest.stderr, file=sys.stderr)
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
