"""The archive: 档号, 文号, fixity, audit log and full-text search of every document filed."""

from .archive import Archive, resolve_root
from .errors import AlreadyFiled, ArchiveError, DuplicateDocument, MetadataError, RecordNotFound, SearchIndexError
from .history import AuditEntry
from .records import Record, RecordMeta, StoredFile

__all__ = [
    "AlreadyFiled",
    "Archive",
    "ArchiveError",
    "AuditEntry",
    "DuplicateDocument",
    "MetadataError",
    "Record",
    "RecordMeta",
    "RecordNotFound",
    "SearchIndexError",
    "StoredFile",
    "resolve_root",
]
