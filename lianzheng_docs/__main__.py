"""``python -m lianzheng_docs`` runs the ``lianzheng`` command."""

from .cli import main

main()
