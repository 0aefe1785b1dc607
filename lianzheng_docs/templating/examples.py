"""Example data from a manifest: what ``lianzheng example`` prints and the samples are made from."""

from __future__ import annotations

from typing import Any

from .manifest import FieldSpec, TemplateManifest


def example_data(manifest: TemplateManifest) -> dict[str, Any]:
    """Sample data for every field: its ``example``, else its ``default``."""
    return {spec.name: _example(spec) for spec in manifest.fields if _example(spec) is not None}


def _example(spec: FieldSpec) -> Any:
    return spec.example if spec.example is not None else spec.default
