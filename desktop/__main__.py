"""``python -m desktop``: start Feltbog (or print its version, or test itself)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import __version__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: --version, --self-test, --data-dir."""
    parser = argparse.ArgumentParser(prog="feltbog", description="Feltbog - feltbog for virksomhedskonsulenter")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--self-test", action="store_true", help="check this installation and exit")
    parser.add_argument("--data-dir", type=Path, help="folder for the database (default: per-user data folder)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the app."""
    args = parse_args(argv)
    if args.version:
        print(f"Feltbog {__version__}")
        return 0
    if args.self_test:
        from desktop.selftest import run_self_test

        return run_self_test()
    from desktop.boot import pause_garbage_collection

    pause_garbage_collection()  # before the imports: the GUI's collector takes over (desktop/boot.py)
    from desktop.ui.app import run_app

    return run_app(args.data_dir)


if __name__ == "__main__":
    sys.exit(main())
