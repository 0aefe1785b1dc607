"""Export an archive as one zip: the files under their 档号 and a machine-readable manifest."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import BinaryIO

from ..errors import OutputError
from ..fileio import atomic_output
from .records import Record
from .registry import Registry


def export(root: Path, registry: Registry, records: list[Record], target: Path, *, overwrite: bool = False) -> Path:
    """Write ``target`` (a .zip) atomically: ``files/<档号>.<ext>`` plus ``manifest.json``.

    Without ``overwrite`` an existing ``target`` is never replaced, not even one that another
    process writes while this export runs."""
    with atomic_output(target, overwrite=overwrite) as handle:
        try:
            _write_zip(handle, root, registry, records)
        except OSError as exc:  # a filed file that cannot be read, or the disk is full
            raise OutputError(f"无法写出 {target}：{exc.strerror or exc}") from exc
    return target


def _write_zip(handle: BinaryIO, root: Path, registry: Registry, records: list[Record]) -> None:
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        entries = []
        for record in records:
            files = []
            for stored in record.files:
                arcname = f"files/{record.archival_code}.{stored.format}"
                if stored.role != "original":
                    arcname = f"files/{record.archival_code}.{stored.role}.{stored.format}"
                archive.write(root / stored.path, arcname)  # streamed from disk
                files.append({**stored.__dict__, "path": arcname})
            entries.append({**record.to_dict(), "files": files})
        manifest = {
            "format": "lianzheng-archive-export",
            "version": 1,
            "schema_version": registry.schema_version,
            "records": entries,
            "audit": [dict(row) for row in registry.audit_entries()],
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
