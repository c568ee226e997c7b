"""File writes: atomic replace (temp file in the same folder, fsync, rename, fsync the folder)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_file(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace `path` with `data` so that a crash leaves either the old or the new bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, data, mode)
    try:
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class ChangedUnderneath(Exception):
    """The file is not what the writer read under the lock: someone else wrote it meanwhile."""


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(data)
            while view:
                n = os.write(fd, view)
                view = view[n:]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def replace_checked(path: Path, data: bytes, expected: bytes | None, mode: int = 0o644) -> None:
    """Put `data` at `path` atomically, if what is there is still `expected` (None: no file at all).

    The file about to be replaced is first held by a hard link and compared with `expected`, before and
    again after the rename: a hand edit made in place meanwhile is put back and the write refused; it is
    never silently overwritten.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(path, data, mode)
    held = path.with_name(f".{path.name}.{os.getpid()}.old")
    try:
        if expected is None:
            if os.path.lexists(path):
                raise ChangedUnderneath(str(path))
        else:
            held.unlink(missing_ok=True)
            try:
                os.link(path, held)
            except FileNotFoundError:
                raise ChangedUnderneath(str(path)) from None
            if held.read_bytes() != expected:
                raise ChangedUnderneath(str(path))
        os.replace(tmp, path)
        if expected is not None and held.read_bytes() != expected:
            os.replace(held, path)  # an in-place edit landed in the old file just before the rename: keep it
            raise ChangedUnderneath(str(path))
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)
        held.unlink(missing_ok=True)


def remove(path: Path) -> None:
    try:
        os.unlink(path)
        fsync_dir(Path(path).parent)
    except FileNotFoundError:
        pass


def clean_temp_files(folder: Path) -> list[Path]:
    """Remove temp files a killed writer may have left (they never replaced anything)."""
    removed = []
    for tmp in Path(folder).rglob(".*.tmp"):
        if ".git" in tmp.parts:
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed
