"""The main job on the embedded default: one sample of every template, from its example data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .catalog import Catalog, Template
from .examples import example_data
from .rendering import RenderedDocument


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
    finish: Callable[[Sequence[bytes], Sequence[str]], Sequence[bytes]] | None = None,
    today: date | None = None,
) -> list[Sample]:
    """Render every template of ``catalog`` from its example data into ``out_dir``, dated relative
    to ``today`` (default: the real today), so that no sample bears a date in the future.

    Files are named ``<id>.docx``; the accountability bulletin also gets its public version
    (names masked) as ``<id>_public.docx``. ``on_rendered`` is called after each document is
    rendered (for a progress bar). ``finish``, given every rendered document and its name at
    once, returns them finished (the pagination step, :func:`lianzheng_docs.finishing.finish`,
    which lays them all out in one batch); the files are written after it.
    """
    catalog = catalog or Catalog.default()
    folder = Path(out_dir)
    today = today or date.today()
    rendered: list[tuple[Template, str, RenderedDocument]] = []
    for template in catalog:
        variants = [(template.id, False)]
        if template.manifest.kind == "通报":
            variants.append((f"{template.id}_public", True))
        for name, masked in variants:
            data = example_data(template.manifest, today)
            rendered.append((template, name, template.render(data, mask_names=masked)))
            if on_rendered:
                on_rendered(template, folder / f"{name}.docx")
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
