"""Backups of the embedded default while it runs: the Temporal dev server's SQLite file and the read
model's, each copied through SQLite's online backup API, plus a manifest.

Both files are live WAL databases: a plain file copy could take half of a write, or miss what is still
in the -wal file. The backup API copies a consistent snapshot of each while writers go on. Temporal is
copied first, the read model second, so that the read model is never older than the histories: on
restore, workflows redo anything newer than their snapshot and the projection's upserts (keyed by case
and step) make the read model agree again (`hotline readmodel check` says so, `rebuild` repairs).

PostgreSQL is backed up with its own tools (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.engine import make_url

from hotline.errors import Conflict, Invalid

MANIFEST = "manifest.json"
TEMPORAL_DB = "temporal.db"  # the dev server's file in the data directory (hotline/launch.py)
READ_MODEL_DB = "hotline.db"
BUSY_TIMEOUT_SECONDS = 30.0


class BackupFile(BaseModel):
    name: str
    what: str  # "temporal" | "read_model"
    source: str
    bytes: int
    sha256: str


class Manifest(BaseModel):
    created_at: datetime
    schema_revision: str | None  # the read model's Alembic revision
    temporal_address: str
    temporal_namespace: str
    files: list[BackupFile]


def sqlite_file(database_url: str) -> Path | None:
    """The read model's file when it is SQLite; None for PostgreSQL."""
    url = make_url(database_url)
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def copy_live(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database that others may be writing, as one self-contained file."""
    if not source.is_file():
        raise Invalid("backup_source_missing", f"{source} does not exist; is the data directory right?")
    live = sqlite3.connect(source, timeout=BUSY_TIMEOUT_SECONDS)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        # The copy keeps no -wal beside it: one file, readable by any SQLite without its server.
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
    finally:
        copy.close()
        live.close()
    if verdict != "ok":
        raise Invalid("backup_corrupt", f"The copy of {source} failed SQLite's integrity check: {verdict}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create(
    *,
    into: Path,
    sources: list[tuple[str, str, Path]],
    schema_revision: str | None,
    temporal_address: str,
    temporal_namespace: str,
    progress: Callable[[str], None] = lambda _: None,
) -> Manifest:
    """Copy each (what, name, live file) into `into`, in the order given, and write the manifest."""
    into.mkdir(parents=True, exist_ok=True)
    if any(into.iterdir()):
        raise Conflict("backup_dir_not_empty", f"{into} is not empty; back up into a new directory.")
    files = []
    for what, name, source in sources:
        progress(f"copying {source}")
        target = into / name
        copy_live(source, target)
        stat = target.stat()
        files.append(
            BackupFile(name=name, what=what, source=str(source), bytes=stat.st_size, sha256=_sha256(target))
        )
    manifest = Manifest(
        created_at=datetime.now(UTC),
        schema_revision=schema_revision,
        temporal_address=temporal_address,
        temporal_namespace=temporal_namespace,
        files=files,
    )
    (into / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(backup: Path) -> Manifest:
    path = backup / MANIFEST
    if not path.is_file():
        raise Invalid("backup_no_manifest", f"{path} is missing: {backup} is not a backup made by hotline.")
    manifest = Manifest.model_validate_json(path.read_text(encoding="utf-8"))
    for entry in manifest.files:
        copy = backup / entry.name
        if not copy.is_file() or _sha256(copy) != entry.sha256:
            raise Invalid("backup_damaged", f"{copy} is missing or differs from the manifest's checksum.")
    return manifest


def answers(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def restore(
    *,
    backup: Path,
    targets: dict[str, Path],
    temporal_address: str,
    progress: Callable[[str], None] = lambda _: None,
) -> Manifest:
    """Put each backed-up file in place of its live one (`targets`: what → path). Everything must be
    stopped: the dev server's address answering is refused."""
    manifest = read_manifest(backup)
    if answers(temporal_address):
        raise Conflict(
            "system_running",
            f"Something answers at {temporal_address}: stop the dev server, workers and apps first.",
        )
    unplaced = [entry.name for entry in manifest.files if entry.what not in targets]
    if unplaced:
        raise Invalid(
            "backup_no_target",
            f"Nowhere to restore {', '.join(unplaced)}: the read model is not SQLite here (DATABASE_URL).",
        )
    for entry in manifest.files:
        target = targets[entry.what]
        progress(f"restoring {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(target.name + ".restoring")
        shutil.copyfile(backup / entry.name, staged)  # a closed, self-contained file: a copy is safe
        # A -wal or -shm left from the old database would be replayed onto the restored one.
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        staged.replace(target)
    return manifest
