"""Logging to a file in the user's log folder, with ID numbers masked in every record.

The log file and its rotated copies are readable by their owner only (0600), also when
they already existed with a wider mode; bound SQL parameters (names, phones) never reach
it because every engine hides them (``core.db.make_engine``).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

from platformdirs import user_log_dir

from frontdesk.core.files import make_private, open_private, private_dir
from frontdesk.core.text import mask_ids_in_text as mask_ids

MAX_BYTES = 2_000_000
BACKUP_COUNT = 5


# PostgreSQL's DETAIL line quotes the values of the row (``Key (name)=(王芳) already exists``).
_SERVER_DETAIL = re.compile(r"(?m)^(DETAIL|HINT):.*$")


def scrub(text: str) -> str:
    """Text fit for the log: ID numbers masked, the server's DETAIL/HINT lines dropped."""
    return _SERVER_DETAIL.sub(r"\1: (hidden)", mask_ids(text))


class MaskingFilter(logging.Filter):
    """Rewrites each record's message so no full ID number, and no row values a database
    server quoted, reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = scrub(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file is created (and kept) 0600."""

    def _open(self):
        return open_private(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors)

    def rotate(self, source: str, dest: str) -> None:
        super().rotate(source, dest)
        make_private(dest)


def log_path() -> Path:
    base = os.environ.get("FRONTDESK_LOG_DIR") or user_log_dir("frontdesk", appauthor=False)
    return Path(base) / "frontdesk.log"


def setup_logging(level: int = logging.INFO, path: Path | None = None, *, max_bytes: int = MAX_BYTES) -> Path:
    """Send the ``frontdesk`` logger to a rotating file (never to the terminal the app draws on)."""
    path = path or log_path()
    private_dir(path.parent)
    for old in [path, *(path.with_name(f"{path.name}.{n}") for n in range(1, BACKUP_COUNT + 1))]:
        make_private(old)
    handler = PrivateRotatingFileHandler(path, maxBytes=max_bytes, backupCount=BACKUP_COUNT, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("frontdesk")
    for old in list(logger.handlers):
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return path
