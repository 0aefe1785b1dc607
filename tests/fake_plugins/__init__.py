"""Sample plugins for the plugin tests: one good, and one for each way a plugin can go wrong."""
