"""Where things live: the settings file (platformdirs), the data directory and
the default database."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # frontdesk/
ENV_URL = "FRONTDESK_DATABASE_URL"
ENV_CONFIG_DIR = "FRONTDESK_CONFIG_DIR"


def data_dir() -> Path:
    """Reference data (categories, phrases, checklists).

    In a source checkout it is the repository's ``data/``; an installed wheel
    carries a copy as ``frontdesk/_data``.
    """
    source = PACKAGE_DIR.parent / "data"
    if (source / "categories.toml").exists():
        return source
    return PACKAGE_DIR / "_data"


def default_database_path() -> Path:
    """``data/frontdesk.db`` in a source checkout, else the user's data dir."""
    source = PACKAGE_DIR.parent / "data"
    if (source / "categories.toml").exists():
        return source / "frontdesk.db"
    return Path(user_data_dir("frontdesk", appauthor=False)) / "frontdesk.db"


def config_path() -> Path:
    base = os.environ.get(ENV_CONFIG_DIR) or user_config_dir("frontdesk", appauthor=False)
    return Path(base) / "settings.toml"


@dataclass
class Settings:
    language: str = "zh-Hant"
    desk_name: str = ""  # empty: the translated default name (app.desk_name)
    database_url: str = ""
    wait_apology_seconds: int = 120
    extra: dict = field(default_factory=dict)


class SettingsError(Exception):
    """The settings file cannot be used; the message names the file and what is wrong."""


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file gives the defaults.

    A broken file or a bad value raises :class:`SettingsError` naming the file
    (and the line, for a syntax error).
    """
    from frontdesk.core.i18n import LANGUAGES, t

    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(t("config.broken", path=path, error=str(exc))) from exc
    except OSError as exc:
        raise SettingsError(t("config.unreadable", path=path, error=exc.strerror or str(exc))) from exc
    known = {k: raw.pop(k) for k in list(raw) if k in Settings.__dataclass_fields__ and k != "extra"}
    settings = Settings(**known, extra=raw)
    if settings.language not in LANGUAGES:
        raise SettingsError(t("config.bad_language", path=path, value=settings.language, choices=", ".join(LANGUAGES)))
    if not isinstance(settings.wait_apology_seconds, int) or settings.wait_apology_seconds < 0:
        raise SettingsError(t("config.bad_number", path=path, key="wait_apology_seconds",
                              value=settings.wait_apology_seconds))
    for key in ("desk_name", "database_url"):
        if not isinstance(getattr(settings, key), str):
            raise SettingsError(t("config.bad_text", path=path, key=key))
    return settings
