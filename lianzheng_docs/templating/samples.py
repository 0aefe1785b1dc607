"""The main job on the embedded default: one sample of every template, from its example data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, Template


@dataclass(frozen=True)
class Sample:
    template_id: str
    path: Path
    title: str


def render_samples(
    out_dir: str | Path,
    *,
    catalog: Catalog | None = None,
    overwrite: bool = True,
    on_rendered: Callable[[Template, Path], None] | None = None,
) -> list[Sample]:
    """Render every template of ``catalog`` from its example data into ``out_dir``.

    Files are named ``<id>.docx``; the accountability bulletin also gets its public version
    (names masked) as ``<id>_public.docx``. ``on_rendered`` is called after each file (for a
    progress bar).
    """
    catalog = catalog or Catalog.default()
    folder = Path(out_dir)
    samples = []
    for template in catalog:
        variants = [(template.id, False)]
        if template.manifest.kind == "通报":
            variants.append((f"{template.id}_public", True))
        for name, masked in variants:
            document = template.render(template.example(), mask_names=masked)
            path = document.save(folder / f"{name}.docx", overwrite=overwrite)
            samples.append(Sample(template.id, path, document.title))
            if on_rendered:
                on_rendered(template, path)
    return samples
