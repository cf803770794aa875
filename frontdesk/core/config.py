"""Where things live and how the desk is set up: the typed settings, read from
``settings.toml`` and checked at start-up.

:class:`Settings` is the one description of every setting: its type, its default
and one line saying what it does. The settings file is read with
pydantic-settings' TOML source and validated against it; a bad value is one
:class:`SettingsError` naming the file, the key (dotted for nested tables) and
what is allowed, in the user's language. The README's configuration table is
generated from the same model (``python3 -m frontdesk.core.config --markdown``).

Settings made in code (``Settings(language="en")``, as the tests do) hold the
defaults and what is passed: neither the environment nor a file is read. The
database URL's order (``--db``, ``FRONTDESK_DATABASE_URL``, ``database_url``, the
default file) is :func:`frontdesk.core.db.resolve_url`'s.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import secrets
import sys
import tomllib
import types
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from platformdirs import user_config_dir, user_data_dir
from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from frontdesk.core import i18n
from frontdesk.core.i18n import LANGUAGES, t, tn

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # frontdesk/
ENV_URL = "FRONTDESK_DATABASE_URL"
ENV_CONFIG_DIR = "FRONTDESK_CONFIG_DIR"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
KEY_FILE_NAME = "visitor-document.key"
MIN_KEY_LENGTH = 32


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


# --- the language when none is set ---------------------------------------------------

_SIMPLIFIED_REGIONS = {"CN", "SG"}


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The interface language the system locale asks for, as terminal programs read it.

    The first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides:
    Chinese of mainland China or Singapore (``zh_CN.UTF-8``, ``zh_SG``, or the
    script ``zh_Hans``) is zh-Hans; anything else, Taiwan, Hong Kong and Macau
    included, is zh-Hant, the language of the desk's procedure.
    """
    env = os.environ if environ is None else environ
    value = next((env[name] for name in LOCALE_VARIABLES if env.get(name)), "")
    # language[_territory][.codeset][@modifier]; BCP 47 spellings (zh-CN) too
    parts = re.split(r"[_-]", value.split(".")[0].split("@")[0])
    if parts[0].lower() == "zh" and len(parts) > 1:
        region = parts[-1].upper()
        if region in _SIMPLIFIED_REGIONS or parts[1].lower() == "hans":
            return "zh-Hans"
    return i18n.DEFAULT_LANGUAGE


# --- value types: each says what it allows, in the user's language --------------------


class Allowed:
    """Annotation metadata: the message (``config.allowed.*``, a noun phrase) saying what a value may be."""

    def __init__(self, key: str, **params: object):
        self.key, self.params = key, params

    def text(self) -> str:
        return t(self.key, **self.params)


def _checked(base: Any, allowed: str, check) -> Any:
    """``base`` validated by ``check`` (returns the value to keep, or raises ValueError); a bad
    value's message is the ``allowed`` text."""

    def validate(value):
        try:
            return check(value)
        except ValueError:
            raise ValueError(t(allowed)) from None

    return Annotated[base, AfterValidator(validate), Allowed(allowed)]


def _plain_text(value: str) -> str:
    from frontdesk.core.text import has_controls

    if has_controls(value):
        raise ValueError(t("config.allowed.no_controls"))
    return value


def _time_range(value: str) -> str:
    from frontdesk.shifts import parse_range

    parse_range(value)
    return value.strip()


def _daytime_range(value: str) -> str:
    from frontdesk.shifts import parse_range

    start, end = parse_range(value)
    ends_at_midnight = end == time(0) and start != time(0)  # 18:00-24:00
    if not (start < end or ends_at_midnight):
        raise ValueError
    return value.strip()


def _shift_name(value: str) -> str:
    from frontdesk.shifts import is_shift_code

    if not is_shift_code(value):
        raise ValueError
    return value


_BINDING_ID = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_KEY = re.compile(r"^((ctrl|shift|alt|meta|super|hyper)\+)*[a-z0-9][a-z0-9_]*$|^[^\s,]$")


def _binding_id(value: str) -> str:
    if not _BINDING_ID.match(value):
        raise ValueError
    return value


def _keys(value: str) -> str:
    keys = [k.strip() for k in value.split(",")]
    if not all(_KEY.match(k) for k in keys):
        raise ValueError
    return ",".join(keys)


def _existing_font(value: Path | None) -> Path | None:
    if value is None:
        return None
    if value.suffix.lower() not in {".ttf", ".ttc"} or not value.is_file():
        raise ValueError
    return value


def _optional_path(value: Any) -> Any:
    """An empty string means "not set"; ``~`` is the home folder."""
    if isinstance(value, str):
        return Path(value).expanduser() if value.strip() else None
    return value


PlainText = Annotated[str, AfterValidator(_plain_text)]
TimeRange = _checked(str, "config.allowed.time_range", _time_range)
DaytimeRange = _checked(str, "config.allowed.daytime_range", _daytime_range)
ShiftName = _checked(str, "config.allowed.shift_name", _shift_name)
BindingId = _checked(str, "config.allowed.binding_id", _binding_id)
Keys = _checked(str, "config.allowed.keys", _keys)
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
Language = Literal[LANGUAGES]  # type: ignore[valid-type]  # i18n's list, the one list of languages
LanguageName = Annotated[Language, Allowed("config.allowed.language", choices=", ".join(LANGUAGES))]
OptionalPath = Annotated[Path | None, BeforeValidator(_optional_path)]
#: a duration in whole minutes; Minutes0 allows 0 (no deadline, no warning)
Minutes0 = Annotated[int, Field(ge=0, strict=True)]
Minutes1 = Annotated[int, Field(ge=1, strict=True)]


# --- the settings ---------------------------------------------------------------------


class _Table(BaseModel):
    """A table of the settings file: unknown keys are refused, values checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, validate_default=True)


class CalendarSettings(_Table):
    working_days: list[Weekday] = Field(
        ["mon", "tue", "wed", "thu", "fri"], min_length=1,
        description="The desk's working days (mon … sun): contractors' hours and callbacks count these.")
    holidays: list[date] = Field(
        [], description="Days off that fall on a working day (public holidays), as dates: [2026-10-01, 2026-10-02].")
    extra_working_days: list[date] = Field(
        [], description="Days worked that fall on a day off (調休 make-up days), as dates.")

    @model_validator(mode="after")
    def _distinct(self) -> CalendarSettings:
        both = sorted(set(self.holidays) & set(self.extra_working_days))
        if both:
            raise ValueError(t("config.allowed.holiday_and_working", day=both[0].isoformat()))
        return self

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_working_days:
            return True
        return WEEKDAYS[day.weekday()] in self.working_days and day not in self.holidays

    def next_working_day(self, day: date, count: int = 1) -> date:
        """The ``count``-th working day after ``day`` (1: the next one)."""
        for _ in range(count):
            day += timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
        return day


class VisitorSettings(_Table):
    overstay_minutes: Minutes1 = Field(
        240, description="A visitor on site longer than this many minutes stands out on the on-site board.")
    retention_days: Annotated[int, Field(ge=1, le=3650, strict=True)] = Field(
        180, description="Visitors' personal data (name, phone, masked document number and its hash) "
                         "is erased this many days after the visit.")
    document_key: SecretStr | None = Field(
        None, min_length=MIN_KEY_LENGTH,
        description=f"Key of the keyed hash that recognises a visitor's document again, at least {MIN_KEY_LENGTH} "
                    "characters; several desks on one PostgreSQL database share it by setting the same key here. "
                    "Not set: the key file.")
    document_key_file: OptionalPath = Field(
        None, description=f"File holding that key, kept outside the database. Not set: {KEY_FILE_NAME} beside "
                          "this settings file, created readable by its owner only on first use.")

    @model_validator(mode="after")
    def _one_key(self) -> VisitorSettings:
        if self.document_key is not None and self.document_key_file is not None:
            raise ValueError(t("config.allowed.one_key"))
        return self


class PassSettings(_Table):
    working_hours: list[DaytimeRange] = Field(
        ["08:00-12:00", "14:00-18:00"], min_length=1,
        description="When contractor workers may work on site, on working days ([calendar]); HH:MM-HH:MM each.")

    @model_validator(mode="after")
    def _in_order(self) -> PassSettings:
        from frontdesk.shifts import parse_range

        ranges = [parse_range(r) for r in self.working_hours]
        for (_s1, e1), (s2, _e2), text in zip(ranges, ranges[1:], self.working_hours[1:]):
            if e1 == time(0) or s2 < e1:
                raise ValueError(t("config.allowed.hours_in_order", range=text))
        return self


class PriorityDeadlines(_Table):
    """Deadlines of one priority, counted from when the work order is issued; 0 is no deadline."""

    notified_minutes: Minutes0 = Field(
        0, description="Minutes from issue until engineering must be notified; 0: no deadline.")
    signed_minutes: Minutes0 = Field(
        0, description="Minutes from issue until an engineer must have signed for it; 0: no deadline.")
    completed_minutes: Minutes0 = Field(
        0, description="Minutes from issue until it must be completed (paused time not counted); 0: no deadline.")

    @model_validator(mode="after")
    def _in_order(self) -> PriorityDeadlines:
        steps = [(name, getattr(self, name)) for name in ("notified_minutes", "signed_minutes", "completed_minutes")]
        steps = [(name, value) for name, value in steps if value]
        for (first, a), (then, b) in zip(steps, steps[1:]):
            if a > b:
                raise ValueError(t("config.allowed.deadline_order", first=first, a=a, then=then, b=b))
        return self

    def limit(self, step: str) -> timedelta | None:
        """``step`` (notified, signed, completed) as a duration; None when it has no deadline."""
        minutes = getattr(self, f"{step}_minutes")
        return timedelta(minutes=minutes) if minutes else None


class DeadlineSettings(_Table):
    urgent: PriorityDeadlines = Field(
        PriorityDeadlines(notified_minutes=15, signed_minutes=30, completed_minutes=4 * 60),
        description="Urgent work orders.")
    normal: PriorityDeadlines = Field(
        PriorityDeadlines(signed_minutes=2 * 60, completed_minutes=24 * 60), description="Normal work orders.")
    low: PriorityDeadlines = Field(PriorityDeadlines(completed_minutes=72 * 60), description="Low-priority work orders.")
    warning_minutes: Minutes0 = Field(
        30, description="Minutes before a work-order deadline at which it is flagged as about to be breached; "
                        "0: no warning.")
    callback_working_days: Annotated[int, Field(ge=1, le=30, strict=True)] = Field(
        1, description="The callback (回訪) after a completed order or complaint is due by the end of this many "
                       "working days (1: the next working day).")
    complaint_reply_minutes: Minutes1 = Field(
        24 * 60, description="Minutes within which a complaint gets its reply.")

    def for_priority(self, priority: str) -> PriorityDeadlines:
        return getattr(self, priority)


#: the file being read by :func:`load_settings` (settings made in code read none)
_reading: ContextVar[TomlConfigSettingsSource | None] = ContextVar("frontdesk_settings_file", default=None)


class Settings(BaseSettings):
    """Every setting of the desk. ``settings.toml`` holds any of them; the rest keep their defaults."""

    model_config = SettingsConfigDict(
        extra="forbid", case_sensitive=True, validate_assignment=True, validate_default=True,
        nested_model_default_partial_update=True,
    )

    language: LanguageName = Field(
        default_factory=system_language, json_schema_extra={"shown_default": "the system locale"},
        description="Interface language: zh-Hant, zh-Hans or en. Not set: the system locale (LC_ALL, then "
                    "LC_MESSAGES, then LANG): zh_CN or zh_SG gives zh-Hans, anything else zh-Hant. --lang wins.")
    desk_name: Annotated[PlainText, Field(max_length=60)] = Field(
        "", description="The desk's name in the header and on reports. Empty: 物業服務中心 客服前台 in the "
                        "interface language.")
    operator: Annotated[PlainText, Field(max_length=30)] = Field(
        "", description="Name shown as the operator in the header. Empty: the shift lead on today's roster. "
                        "--operator wins.")
    database_url: PlainText = Field(
        "", description="The database when neither --db nor FRONTDESK_DATABASE_URL is given: a file path or a "
                        "SQLAlchemy URL. Empty: data/frontdesk.db (the user's data folder when installed).")
    wait_apology_seconds: Annotated[int, Field(ge=0, strict=True)] = Field(
        120, description="A waiting party taken after this many seconds is greeted with 「對不起,讓您久等了」.")
    report_dir: OptionalPath = Field(
        None, description="Folder F7 offers for saving a report. Not set: the home folder.")
    slip_font: Annotated[OptionalPath, AfterValidator(_existing_font), Allowed("config.allowed.font")] = Field(
        None, description="A TrueType font with Chinese characters (.ttf or .ttc) embedded in the printed "
                          "work-order slip (派工單). Not set: one of the system's (Microsoft YaHei or JhengHei, "
                          "SimSun, WenQuanYi, AR PL UMing …).")
    keymap: dict[BindingId, Keys] = Field(
        {}, description='Keys by binding id ("go.owners" = "f9"; several keys separated by commas). F1 shows the '
                        "keys in use; an id no key has is refused with the ids it could be.")
    shifts: Annotated[dict[ShiftName, TimeRange], Field(min_length=1)] = Field(
        {"day": "08:00-20:00", "night": "20:00-08:00"},  # shifts.DEFAULT_SHIFTS (a test keeps them equal)
        description="The desk's shifts by name, HH:MM-HH:MM; one that ends past midnight belongs to the day it "
                    "starts. F5, F7 and frontdesk report --shift use the names.")
    calendar: CalendarSettings = Field(CalendarSettings(), description="Working days.")
    visitors: VisitorSettings = Field(VisitorSettings(), description="Visitor intake (F3).")
    passes: PassSettings = Field(PassSettings(), description="Contractor passes.")
    deadlines: DeadlineSettings = Field(DeadlineSettings(), description="Work orders and complaints (F4).")

    _source: Path | None = PrivateAttr(None)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        reading = _reading.get()
        return (init_settings,) if reading is None else (init_settings, reading)

    @property
    def source(self) -> Path | None:
        """The settings file these came from (None for settings made in code)."""
        return self._source

    def error(self, loc: tuple, problem: str) -> SettingsError:
        """A :class:`SettingsError` about ``loc`` in this settings' file, for checks made after loading
        (the app factory checks the keymap's binding ids)."""
        path = self._source or config_path()
        return SettingsError(t("config.bad_key", path=path, key=_dotted(loc), problem=problem), self._source, loc)

    def check_keymap(self, binding_ids: set[str]) -> None:
        """Refuse a ``[keymap]`` entry that names no binding (a typo must not be silently ignored)."""
        for binding_id in self.keymap:
            if binding_id in binding_ids:
                continue
            close = difflib.get_close_matches(binding_id, sorted(binding_ids), n=1, cutoff=0.6)
            area = binding_id.split(".")[0]
            same_area = sorted(b for b in binding_ids if b.split(".")[0] == area)
            if close:
                problem = t("config.unknown_binding_close", suggestion=close[0])
            elif same_area:
                problem = t("config.unknown_binding_area", area=area, choices=", ".join(same_area))
            else:
                areas = sorted({b.split(".")[0] for b in binding_ids})
                problem = t("config.unknown_binding", choices=", ".join(areas))
            raise self.error(("keymap", binding_id), problem)


class SettingsError(Exception):
    """The settings file cannot be used; the message names the file, the key and what is allowed."""

    def __init__(self, message: str, path: Path | None = None, loc: tuple = ()):
        super().__init__(message)
        self.path = path
        self.key = _dotted(loc) if loc else None


def load_settings(path: Path | None = None, *, language: str | None = None) -> Settings:
    """Read and check the settings file (a missing file gives the defaults).

    A file that is not TOML, cannot be read, or holds a bad value or an unknown
    key raises :class:`SettingsError`: one message naming the file, the key and
    what is allowed, in ``language`` (the ``--lang`` flag) or else the file's own
    language if that one is valid, else the system locale's.
    """
    path = path or config_path()
    lang = language if language in LANGUAGES else None
    with i18n.using_language(lang or system_language()):
        if path.exists() and not path.is_file():
            raise SettingsError(t("config.unreadable", path=path, error=t("config.not_a_file")), path)
        try:
            source = TomlConfigSettingsSource(Settings, toml_file=path)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(t("config.broken", path=path, error=str(exc)), path) from None
        except UnicodeDecodeError:
            raise SettingsError(t("config.broken", path=path, error=t("config.not_utf8")), path) from None
        except OSError as exc:
            raise SettingsError(t("config.unreadable", path=path, error=exc.strerror or str(exc)), path) from None
    raw_language = source.toml_data.get("language")
    lang = lang or (raw_language if raw_language in LANGUAGES else None) or system_language()
    with i18n.using_language(lang):
        token = _reading.set(source)
        try:
            settings = Settings()
        except ValidationError as exc:
            raise _settings_error(path, exc) from None
        finally:
            _reading.reset(token)
    settings._source = path
    return settings


# --- one message for a bad file ---------------------------------------------------------


def _dotted(loc: tuple) -> str:
    """('deadlines', 'urgent', 'signed_minutes') → deadlines.urgent.signed_minutes; keys that are not bare
    TOML keys are quoted (keymap."go.owners"), list items indexed (passes.working_hours[1])."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_-]+", str(part)) else json.dumps(str(part), ensure_ascii=False)
            out += ("." if out else "") + text
    return out


def _shown_value(value: Any) -> str:
    from frontdesk.core.text import shown

    if isinstance(value, (date, time)):
        text = value.isoformat()
    elif isinstance(value, SecretStr):
        text = '"…"'
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:
            text = repr(value)
    return shown(text if len(text) <= 60 else text[:59] + "…")


def _message(path: Path, loc: tuple, value: Any, *, allowed: str | None = None, problem: str | None = None,
             choice: bool = False) -> str:
    key = _dotted(loc)
    if allowed is not None:
        template = "config.bad_choice" if choice else "config.bad_value"
        return t(template, path=path, key=key, value=_shown_value(value), allowed=allowed)
    if isinstance(value, dict):
        return t("config.bad_table", path=path, key=key, problem=problem)
    return t("config.bad_problem", path=path, key=key, value=_shown_value(value), problem=problem)


def _settings_error(path: Path, exc: ValidationError) -> SettingsError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = shown_loc = tuple(first["loc"])
    value = first.get("input")
    annotation, metadata = _field_at(loc)
    if loc and loc[-1] == "[key]":  # a table's key is wrong, not its value
        shown_loc = loc[:-1]
        return SettingsError(t("config.bad_name", path=path, key=_dotted(shown_loc),
                               allowed=allowed_text(annotation, metadata)), path, shown_loc)
    if annotation is SecretStr and isinstance(value, str):
        value = SecretStr(value)  # a key is never echoed
    described = any(isinstance(m, Allowed) for m in metadata)
    if first["type"] == "extra_forbidden":
        message = _unknown_key(path, loc)
    elif first["type"] == "value_error" and not described:  # a check's own sentence
        message = _message(path, shown_loc, value, problem=str(first["ctx"]["error"]))
    else:
        message = _message(path, shown_loc, value, allowed=allowed_text(annotation, metadata),
                           choice=get_origin(annotation) is Literal)
    if len(errors) > 1:
        message += " " + tn("config.more_problems", len(errors) - 1)
    return SettingsError(message, path, shown_loc)


def _unknown_key(path: Path, loc: tuple) -> str:
    annotation, _meta = _field_at(loc[:-1]) if len(loc) > 1 else (Settings, [])
    names = list(annotation.model_fields) if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []
    close = difflib.get_close_matches(str(loc[-1]), names, n=1, cutoff=0.6)
    if close:
        return t("config.unknown_key_close", path=path, key=_dotted(loc), suggestion=_dotted((*loc[:-1], close[0])))
    return t("config.unknown_key", path=path, key=_dotted(loc), choices=", ".join(names))


def _unwrap(annotation: Any, metadata: list) -> tuple[Any, list]:
    """Strip Annotated (keeping its metadata) and Optional."""
    while True:
        if get_origin(annotation) is Annotated:
            annotation, *more = get_args(annotation)
            metadata = [*metadata, *more]
        elif get_origin(annotation) in (Union, types.UnionType) and type(None) in get_args(annotation):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else annotation
            if len(rest) != 1:
                return annotation, metadata
        else:
            return annotation, metadata


def _field_at(loc: tuple) -> tuple[Any, list]:
    """The annotation and metadata of the value at ``loc`` (for what it allows)."""
    annotation, metadata = Settings, []
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        annotation, metadata = _unwrap(annotation, metadata)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(str(part))
            if info is None:
                return annotation, metadata
            annotation, metadata = info.annotation, list(info.metadata)
        elif get_origin(annotation) is dict:
            key_type, value_type = get_args(annotation)
            if parts and parts[0] == "[key]":
                parts.pop(0)
                annotation, metadata = key_type, []
            else:
                annotation, metadata = value_type, []
        elif get_origin(annotation) in (list, tuple):
            annotation, metadata = get_args(annotation)[0], []
        else:
            break
    return _unwrap(annotation, metadata)


def allowed_text(annotation: Any, metadata: list) -> str:
    """What a value of this type may be, in the current language."""
    annotation, metadata = _unwrap(annotation, metadata)
    for item in metadata:
        if isinstance(item, Allowed):
            return item.text()
    if get_origin(annotation) is Literal:
        return t("config.allowed.choice", choices=", ".join(get_args(annotation)))
    if annotation is bool:
        return t("config.allowed.bool")
    if annotation is int:
        low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), None)
        high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), None)
        if low is not None and high is not None:
            return t("config.allowed.int_range", min=low, max=high)
        return t("config.allowed.int_min", min=low) if low is not None else t("config.allowed.int")
    if annotation is SecretStr:
        length = next((m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)), 1)
        return t("config.allowed.secret", min=length)
    if annotation is str:
        length = next((m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)), None)
        return t("config.allowed.text_max", max=length) if length else t("config.allowed.text")
    if annotation is Path:
        return t("config.allowed.path")
    if annotation is date:
        return t("config.allowed.date")
    some = any(isinstance(m, annotated_types.MinLen) and m.min_length > 0 for m in metadata)
    if get_origin(annotation) in (list, tuple):
        text = t("config.allowed.list", item=allowed_text(get_args(annotation)[0], []))
        return text + t("config.allowed.at_least_one") if some else text
    if get_origin(annotation) is dict:
        key_type, value_type = get_args(annotation)
        text = t("config.allowed.dict", key=allowed_text(key_type, []), value=allowed_text(value_type, []))
        return text + t("config.allowed.at_least_one") if some else text
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return t("config.allowed.table")
    return t("config.allowed.any")  # pragma: no cover - every setting's type is described above


# --- the visitor document key -----------------------------------------------------------


def document_key_path(settings: Settings) -> Path:
    """Where the visitor document hash key is kept when the settings do not hold it."""
    if settings.visitors.document_key_file is not None:
        return settings.visitors.document_key_file
    return (settings.source or config_path()).parent / KEY_FILE_NAME


def visitor_document_key(settings: Settings) -> bytes:
    """The key of the keyed hash that recognises a visitor's document again.

    The settings' ``[visitors] document_key`` if set (several desks on one
    PostgreSQL database share it so), else the key file: read, or created on
    first use with a random key, readable by its owner only. A key file that
    cannot be read or holds too short a key raises :class:`SettingsError`.
    """
    if settings.visitors.document_key is not None:
        return settings.visitors.document_key.get_secret_value().encode()
    path = document_key_path(settings)
    loc = ("visitors", "document_key_file")
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        key = _create_key_file(path, settings, loc)
    except OSError as exc:
        raise settings.error(loc, t("config.key_unreadable", path=path, error=exc.strerror or str(exc))) from None
    if len(key) < MIN_KEY_LENGTH:
        raise settings.error(loc, t("config.key_short", path=path, min=MIN_KEY_LENGTH))
    return key


def _create_key_file(path: Path, settings: Settings, loc: tuple) -> bytes:
    key = secrets.token_hex(32).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another desk made it a moment ago: use theirs
        return path.read_bytes().strip()
    except OSError as exc:
        raise settings.error(loc, t("config.key_unreadable", path=path, error=exc.strerror or str(exc))) from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    return key


# --- the README's configuration table ----------------------------------------------------


def _leaves(model: type[BaseModel], value: BaseModel, prefix: tuple = ()) -> Iterator[tuple[tuple, Any, Any]]:
    for name, info in model.model_fields.items():
        annotation, _meta = _unwrap(info.annotation, list(info.metadata))
        current = getattr(value, name)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _leaves(annotation, current, (*prefix, name))
        else:
            yield (*prefix, name), info, current


def _toml_value(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        inner = ", ".join(f"{_dotted((k,))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def settings_reference() -> str:
    """The README's table of every setting: key, what it allows, default, what it does (in English)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    rows = ["| key | allowed | default | what it does |", "| --- | --- | --- | --- |"]
    defaults = Settings(language=i18n.DEFAULT_LANGUAGE)
    with i18n.using_language("en"):
        for loc, info, value in _leaves(Settings, defaults):
            shown_default = (info.json_schema_extra or {}).get("shown_default")
            default = f"({shown_default})" if shown_default else _toml_value(value)
            allowed = allowed_text(info.annotation, list(info.metadata))
            rows.append(f"| `{_dotted(loc)}` | {cell(allowed)} | `{cell(default)}` | {cell(info.description or '')} |")
    return "\n".join(rows) + "\n"


README_BEGIN = "<!-- settings reference: generated by python3 -m frontdesk.core.config --markdown -->"
README_END = "<!-- end of settings reference -->"


def readme_section(readme: str) -> str:
    """The generated part of the README (between its two markers)."""
    start = readme.index(README_BEGIN) + len(README_BEGIN)
    return readme[start:readme.index(README_END)].strip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python3 -m frontdesk.core.config",
                                     description="The settings reference, generated from the Settings model.")
    parser.add_argument("--markdown", action="store_true", help="print the README's table of settings")
    parser.add_argument("--update", metavar="README", type=Path, help="rewrite the table in this README")
    args = parser.parse_args(argv)
    if args.update:
        text = args.update.read_text(encoding="utf-8")
        start = text.index(README_BEGIN) + len(README_BEGIN)
        text = text[:start] + "\n" + settings_reference() + text[text.index(README_END):]
        args.update.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(settings_reference())
    return 0


if __name__ == "__main__":
    sys.exit(main())
