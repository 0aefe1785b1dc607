"""Export an archive as one zip: the files under their 档号 and a machine-readable manifest."""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

from ..errors import OutputError
from .records import Record
from .registry import Registry


def export(root: Path, registry: Registry, records: list[Record], target: Path, *, overwrite: bool = False) -> Path:
    """Write ``target`` (a .zip) atomically: ``files/<档号>.<ext>`` plus ``manifest.json``."""
    if target.exists() and not overwrite:
        raise OutputError(f"文件 {target} 已存在；如要覆盖，请加 --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
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
        os.replace(name, target)
    except OSError as exc:
        Path(name).unlink(missing_ok=True)
        raise OutputError(f"无法写出 {target}：{exc.strerror or exc}") from exc
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return target
