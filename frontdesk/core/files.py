"""Files the app writes (logs, exported reports, backups) are readable by their owner only.

Whatever the user's umask, and also when the file already exists with a wider mode:

- :func:`open_private` opens a file for appending or writing, created ``0600`` (an existing
  file is narrowed to ``0600`` first);
- :func:`write_private` writes a whole file through a ``0600`` temporary next to it and
  renames it into place, so a reader never sees half a file and the old mode never survives;
- :func:`private_dir` makes a folder for the app's own files ``0700``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path | str) -> Path:
    """``path`` as a folder, created ``0700`` with its parents when missing (an existing one is left as it is)."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def make_private(path: Path | str) -> None:
    """Narrow an existing file to ``0600`` (nothing happens when it does not exist)."""
    try:
        os.chmod(path, PRIVATE_FILE)
    except FileNotFoundError:
        pass


def open_private(path: Path | str, mode: str = "a", *, encoding: str | None = "utf-8", errors: str | None = None,
                 newline: str | None = None) -> IO:
    """``open(path, mode)`` for ``a``/``w`` (text or binary), the file ``0600`` before anything is written."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        if "b" in mode:
            return os.fdopen(fd, mode)
        return os.fdopen(fd, mode, encoding=encoding, errors=errors, newline=newline)
    except BaseException:
        os.close(fd)
        raise


def write_private(path: Path | str, content: str | bytes | Callable[[Path], object], *,
                  encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``path`` whole: ``content`` as text or bytes, or a function that writes the file it is given.

    The data goes to a ``0600`` temporary file in the same folder, which then replaces
    ``path``; on any error the temporary is removed and ``path`` is left as it was.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, PRIVATE_FILE)
        if callable(content):
            os.close(fd)
            fd = -1
            content(tmp)
            os.chmod(tmp, PRIVATE_FILE)
        else:
            with (os.fdopen(fd, "wb") if isinstance(content, bytes)
                  else os.fdopen(fd, "w", encoding=encoding, newline=newline)) as fh:
                fd = -1
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    return path
