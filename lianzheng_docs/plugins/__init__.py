"""Plugins: the hook specifications, the plugin manager, the built-in plugin and the tools that
help a sub-unit write its own (``lianzheng plugins new`` / ``check``).

The manager and the specifications sit low: they know pluggy and the foundation modules, and the
layers above (templating, archive, duties, CLI) ask them. The authoring tools sit high: they
build, render and check a plugin's templates.
"""
