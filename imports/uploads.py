"""Uploaded import files, kept privately between the upload, the preview and the confirmation.

A file is stored under PRIVATE_ROOT/imports/<random token> (never reachable by URL) and its
token is kept in the uploader's session: a token from anyone else's session is a 404.
"""

import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SESSION_KEY = "imports.uploads"
KEEP_PER_SESSION = 5
STALE_SECONDS = 24 * 60 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{40,64}$")


@dataclass(frozen=True)
class StoredUpload:
    token: str
    kind: str
    name: str
    path: Path

    def read(self) -> bytes | None:
        """The file's bytes, or None when it has been cleaned up meanwhile."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None


def upload_directory() -> Path:
    return Path(settings.PRIVATE_ROOT) / "imports"


def upload_store(*, session, kind: str, name: str, data: bytes) -> StoredUpload:
    directory = upload_directory()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    uploads_purge_stale()
    token = secrets.token_urlsafe(32)
    path = directory / token
    with path.open("xb") as stream:  # a fresh random name: never overwrite anything
        stream.write(data)
    path.chmod(0o600)
    uploads = dict(session.get(SESSION_KEY, {}))
    uploads[token] = {"kind": kind, "name": name[:200]}
    while len(uploads) > KEEP_PER_SESSION:
        oldest = next(iter(uploads))
        del uploads[oldest]
        (directory / oldest).unlink(missing_ok=True)
    session[SESSION_KEY] = uploads
    return StoredUpload(token=token, kind=kind, name=name, path=path)


def upload_get(*, session, kind: str, token: str) -> StoredUpload | None:
    """The upload behind `token` if this session made it for this kind of import."""
    if not TOKEN_PATTERN.match(token):
        return None
    entry = session.get(SESSION_KEY, {}).get(token)
    if entry is None or entry.get("kind") != kind:
        return None
    return StoredUpload(
        token=token, kind=kind, name=entry.get("name", ""), path=upload_directory() / token
    )


def upload_discard(*, session, upload: StoredUpload) -> None:
    uploads = dict(session.get(SESSION_KEY, {}))
    uploads.pop(upload.token, None)
    session[SESSION_KEY] = uploads
    upload.path.unlink(missing_ok=True)


def uploads_purge_stale(*, max_age: int = STALE_SECONDS) -> int:
    """Delete stored uploads older than `max_age` seconds (abandoned previews)."""
    directory = upload_directory()
    if not directory.is_dir():
        return 0
    cutoff = time.time() - max_age
    removed = 0
    for path in directory.iterdir():
        if path.is_file() and TOKEN_PATTERN.match(path.name) and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
