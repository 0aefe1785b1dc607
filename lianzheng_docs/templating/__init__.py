"""Templating: manifests, data validation, rendering .docx from templates, the catalog.

What may import what: this layer uses the foundation modules (``errors``, ``values``,
``chinese``, ``fileio``, ``docxzip``, ``datafile``), :mod:`lianzheng_docs.gbt9704` and the plugin
manager (to ask a template's owner for its defaults and 机关代字); never the archive, the duties,
the checker or the CLI.
"""
