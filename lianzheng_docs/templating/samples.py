"""The main job on the embedded default: one sample of every template, from its example data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from .catalog import Catalog, Template
from .examples import example_data
from .rendering import RenderedDocument


@dataclass(frozen=True)
class Sample:
    template_id: str
    path: Path
    title: str


@dataclass(frozen=True)
class Variant:
    """One sample document of a template: its file name (without .docx), data and masking."""

    name: str
    data: dict[str, Any]
    mask_names: bool = False


def sample_variants(template: Template, today: date) -> list[Variant]:
    """The sample documents of one template, from its example data dated relative to ``today``.

    One per value of a field's ``copies`` (the 双报告 to 市委 and to 市纪委 are two documents, named
    ``<id>（市纪委）`` after the first), and a 通报 that declares ``public_hides`` also in its public
    version (``<id>_public``, names masked).
    """
    data = example_data(template.manifest, today)
    copied = next((f for f in template.manifest.fields if f.copies), None)
    variants = [Variant(template.id, data)]
    if copied is not None:
        variants = [
            Variant(template.id if i == 0 else f"{template.id}（{value}）", {**data, copied.name: value})
            for i, value in enumerate(copied.copies)
        ]
    if template.manifest.field("public_hides") is not None:  # a 通报 that has a public version
        variants.append(Variant(f"{template.id}_public", data, mask_names=True))
    return variants


def render_samples(
    out_dir: str | Path,
    *,
    catalog: Catalog | None = None,
    overwrite: bool = True,
    on_rendered: Callable[[Template, Path], None] | None = None,
    finish: Callable[[Sequence[bytes], Sequence[str]], Sequence[bytes]] | None = None,
    today: date | None = None,
) -> list[Sample]:
    """Render every template of ``catalog`` from its example data into ``out_dir``, dated relative
    to ``today`` (default: the real today), so that no sample bears a date in the future.

    Files are named ``<id>.docx`` (see :func:`sample_variants` for the copies of a 分别报送 and the
    public version of a 通报). ``on_rendered`` is called after each document is
    rendered (for a progress bar). ``finish``, given every rendered document and its name at
    once, returns them finished (the pagination step, :func:`lianzheng_docs.finishing.finish`,
    which lays them all out in one batch); the files are written after it.
    """
    catalog = catalog or Catalog.default()
    folder = Path(out_dir)
    today = today or date.today()
    rendered: list[tuple[Template, str, RenderedDocument]] = []
    for template in catalog:
        for variant in sample_variants(template, today):
            rendered.append((template, variant.name, template.render(variant.data, mask_names=variant.mask_names)))
            if on_rendered:
                on_rendered(template, folder / f"{variant.name}.docx")
    if finish is not None:
        contents = finish([document.content for _, _, document in rendered], [name for _, name, _ in rendered])
        rendered = [
            (template, name, replace(document, content=content))
            for (template, name, document), content in zip(rendered, contents, strict=True)
        ]
    samples = []
    for template, name, document in rendered:
        path = document.save(folder / f"{name}.docx", overwrite=overwrite)
        samples.append(Sample(template.id, path, document.title))
    return samples
