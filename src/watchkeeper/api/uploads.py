"""Files sent by clients: saved under a safe name in a folder of our own, gzip expansion bounded."""

from __future__ import annotations

import re
import shutil
import zlib
from pathlib import Path, PurePosixPath

from fastapi import HTTPException, UploadFile

from watchkeeper.sources.base import ExpandsTooFar, check_expansion


def ensure_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_name(filename: str | None) -> str:
    """A client's file name made safe to save under: its last part, in letters, digits and `._-`.

    The name is kept (list files carry their publication date in it) but never used as a path.
    """
    name = re.sub(r"[^A-Za-z0-9._-]", "_", PurePosixPath((filename or "").replace("\\", "/")).name)[-120:]
    return name if name.strip("._") else "upload"


def save_upload(upload: UploadFile, folder: Path, max_uncompressed: int) -> Path:
    path = folder / upload_name(upload.filename)
    if path.exists():  # two uploads of one name: keep both
        path = folder / f"{len(list(folder.iterdir()))}-{path.name}"
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
    if path.name.endswith(".gz"):
        try:
            check_expansion(path, max_uncompressed)
        except ExpandsTooFar as exc:
            raise HTTPException(413, f"file {path.name}: {exc}") from None
        except (EOFError, zlib.error) as exc:
            raise HTTPException(400, f"file {path.name}: broken or truncated gzip data: {exc}") from None
    return path
