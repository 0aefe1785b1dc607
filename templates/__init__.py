"""The built-in templates of lianzheng-docs: ``<id>.toml`` manifests beside ``<id>.docx`` files.

Installed as the package ``lianzheng_docs.builtin_templates`` so that the catalog reads them
through :mod:`importlib.resources`, the same way it reads a plugin's templates. ``build.py``
rebuilds the .docx files from code.
"""
