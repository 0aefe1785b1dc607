"""The center's templates: ``<id>.toml`` manifests beside ``<id>.docx`` files (package data)."""
