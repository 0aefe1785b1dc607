"""The web desk: pages for clerks and a JSON API for other systems, over the same library.

``lianzheng serve`` runs :func:`create_app` with uvicorn on loopback. The layer sits on top of
the library (it may import every layer but the CLI; no library layer imports it), so the CLI
imports it only inside the ``serve`` command.
"""

from .app import create_app

__all__ = ["create_app"]
