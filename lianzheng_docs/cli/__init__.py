"""The ``lianzheng`` command line: a thin layer over the library, for clerks and scripts."""

from __future__ import annotations

from .app import cli
from .output import prepare_console


def main() -> None:
    """Console-script entry point."""
    prepare_console()
    cli(prog_name="lianzheng")


__all__ = ["cli", "main"]
