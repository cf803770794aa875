"""Logging to a file in the user's log folder, with ID numbers masked in every record."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from platformdirs import user_log_dir

from frontdesk.core.text import mask_ids_in_text as mask_ids


class MaskingFilter(logging.Filter):
    """Rewrites each record's message so no full ID number reaches a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_ids(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_ids(record.exc_text)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


def log_path() -> Path:
    base = os.environ.get("FRONTDESK_LOG_DIR") or user_log_dir("frontdesk", appauthor=False)
    return Path(base) / "frontdesk.log"


def setup_logging(level: int = logging.INFO, path: Path | None = None) -> Path:
    """Send the ``frontdesk`` logger to a rotating file (never to the terminal the app draws on)."""
    path = path or log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    logger = logging.getLogger("frontdesk")
    for old in list(logger.handlers):
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return path
