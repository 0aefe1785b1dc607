"""Plugins: the hook specifications, the plugin manager, the built-in plugin and the tools that
help a sub-unit write its own (``lianzheng plugins new`` / ``check``).

Trust is settled in small modules the manager uses: who a plugin is and whether the allow-list
admits it (``identity``), what it may claim — template ids and 机关代字 (``ownership``), whether
its answers have the declared types (``contracts``), and pluggy's complaints in Chinese
(``registration``). ``wheelcheck`` builds a plugin's wheel for ``plugins check`` (``authoring``);
``scaffold`` writes a new plugin project.

The manager and the specifications sit low: they know pluggy and the foundation modules, and the
layers above (templating, archive, duties, CLI) ask them. The authoring tools sit high: they
build, render and check a plugin's templates.
"""
