"""The two files a user edits: the sources file and the configuration file.

The sources file's shape is a contract (users and outside checks write it):
`allow_private_networks` plus a list of `sources` with name, url, country,
kind and the optional extractor/listing keys. Everything else — timeouts,
batch sizes, detector mode, shift rules, mail — lives in the configuration
file, whose shipped defaults (`defaults.yaml`) document every key.

Both are validated with pydantic so a typo is a clear error at start-up, not
a silent default at 3 a.m.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import fields
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from stancewatch.domain.shifts import DEFAULT_SEVERITY, Severity
from stancewatch.extractors.fetch import FetchPolicy

#: FetchPolicy's annotations are strings (postponed evaluation); the ones its limits use.
_FIELD_TYPES: dict[str, type] = {"float": float, "int": int}

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_SOURCES = PACKAGE_DIR / "sources.yaml"
DEFAULT_CONFIG = PACKAGE_DIR / "defaults.yaml"


class ConfigError(Exception):
    """A sources or configuration file is missing or invalid; the message says where."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- sources
class Source(_Strict):
    """One feed (or listing page) and whose voice it is."""

    name: str
    url: str
    country: str = ""  # ISO alpha-3 of the government speaking; "" for news outlets
    kind: Literal["ministry", "news"] = "news"
    extractor: str | None = None  # a site extractor's NAME (stancewatch.extractors.sites.names()) or "trafilatura"
    listing: bool = False  # an HTML index page with no feed

    @field_validator("url")
    @classmethod
    def _http_without_credentials(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("url must be an http(s) address")
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                "url must not carry a user name or password (they would be stored and logged); "
                "use a proxy or an allowed network instead"
            )
        return value.strip()

    @field_validator("country")
    @classmethod
    def _iso3(cls, value: str) -> str:
        value = (value or "").strip().upper()
        if value and (len(value) != 3 or not value.isalpha()):
            raise ValueError(f"country must be an ISO 3166-1 alpha-3 code, got {value!r}")
        return value

    @model_validator(mode="after")
    def _ministry_speaks_for_a_country(self) -> "Source":
        # The detector reads "we" in a ministry's text as that ministry's country: without one,
        # every "we" of its pages would be nobody's (or worse, guessed).
        if self.kind == "ministry" and not self.country:
            raise ValueError(
                f"source {self.name!r} is a ministry without a country: add country: <ISO alpha-3> "
                "(whose voice it is), or make it kind: news"
            )
        return self

    @property
    def source_id(self) -> str:
        """Stable id from the URL, so renaming a source keeps its history."""
        return hashlib.sha256(self.url.strip().encode()).hexdigest()[:16]


class SourcesFile(_Strict):
    allow_private_networks: bool = False
    # CIDRs exempt from the private-address refusal (e.g. one intranet mirror),
    # while every other private, loopback or link-local address stays refused.
    allowed_networks: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_urls(self) -> "SourcesFile":
        if not self.sources:
            raise ValueError("no sources listed: a night with nothing to read would only look like it worked")
        seen: set[str] = set()
        for src in self.sources:
            if src.url in seen:
                raise ValueError(f"source url listed twice: {src.url}")
            seen.add(src.url)
        return self


# --------------------------------------------------------------------------- configuration
#: FetchPolicy fields that are not the configuration's to set: the sources file decides which
#: networks may be reached, and the User-Agent and Accept headers are the project's.
_NOT_CONFIGURABLE = {"allow_private_networks", "allowed_networks", "user_agent", "accept"}

# The fetch limits are FetchPolicy's own fields and defaults (one definition); the
# configuration validates them strictly like every other section.
_FETCH_FIELDS: dict[str, Any] = {
    f.name: (_FIELD_TYPES[str(f.type)], f.default) for f in fields(FetchPolicy) if f.name not in _NOT_CONFIGURABLE
}
if TYPE_CHECKING:  # a model made at run time is no type to mypy: it sees a strict model of unknown fields
    FetchSettings = _Strict
else:
    FetchSettings = create_model("FetchSettings", __base__=_Strict, **_FETCH_FIELDS)


class ArticleSettings(_Strict):
    max_items_per_feed: int = 1000
    batch_size: int = 200
    max_attempts: int = 5  # an article that failed this often is no longer retried
    workers: int = 2  # processes for extraction and detection


class DetectorSettings(_Strict):
    mode: Literal["auto", "rules", "hybrid", "parsed", "trained"] = "auto"
    batch_size: int = 64


class Corroboration(_Strict):
    """When a change of stance must wait for a second source or a second day (domain/shifts.py)."""

    applies_to: list[Severity] = ["low"]  # pydantic copies defaults per instance
    min_sources: int = 2
    min_days: int = 2
    steady_records: int = 3  # a stance held this many records in a row is steady ...
    min_weight: float = 2.0  # ... and changes on one day only on this much decisive evidence
    min_confidence: float = 0.6  # a statement read with less is never decisive


class ShiftSettings(_Strict):
    window_days: int = 365
    severity: dict[str, Severity] = Field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    corroboration: Corroboration = Field(default_factory=Corroboration)

    @field_validator("severity")
    @classmethod
    def _known_kinds(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(DEFAULT_SEVERITY))
        if unknown:
            raise ValueError(f"unknown kind(s) of shift {unknown}; the kinds are {sorted(DEFAULT_SEVERITY)}")
        return {**DEFAULT_SEVERITY, **value}


class SmtpSettings(_Strict):
    host: str = "localhost"
    port: int = 587
    security: Literal["starttls", "ssl", "none"] = "starttls"
    user: str = ""
    password_env: str = "STANCEWATCH_SMTP_PASSWORD"
    password_block: str = ""  # name of a Prefect Secret block holding the password
    timeout: float = 30.0

    @model_validator(mode="before")
    @classmethod
    def _no_plaintext_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(k in data for k in ("password", "pass", "passwd", "secret")):
            raise ValueError(
                "a password may not be written in the configuration file: "
                "set the environment variable named by smtp.password_env, "
                "or name a Prefect Secret block in smtp.password_block"
            )
        return data


#: An address a mail server will take: local part @ domain, no spaces, no display name.
_ADDRESS = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def check_address(value: str) -> str:
    """A bare e-mail address ('desk@example.org'), refused with the reason when it is not one."""
    value = value.strip()
    if not _ADDRESS.match(value):
        raise ValueError(f"not an e-mail address: {value!r} (expected name@domain)")
    return value


class Recipient(_Strict):
    email: str
    name: str = ""
    actors: list[str] = Field(default_factory=list)  # empty: every actor
    targets: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    min_severity: Severity = "low"
    immediate: bool = False  # also mail severe shifts at once, not only in the digest

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        return check_address(value)


class AlertSettings(_Strict):
    enabled: bool = True
    sender: str = "stancewatch <stancewatch@localhost>"
    immediate_min_severity: Severity = "high"
    failing_source_nights: int = 3  # a source failing this many nights in a row is named in the digest
    max_send_attempts: int = 5
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    recipients: list[Recipient] = Field(default_factory=list)

    @field_validator("sender")
    @classmethod
    def _a_sender(cls, value: str) -> str:
        """'name <address>' or a bare address."""
        _, address = parseaddr(value)
        check_address(address or value)
        return value


class Config(_Strict):
    timezone: str = "UTC"
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    articles: ArticleSettings = Field(default_factory=ArticleSettings)
    detector: DetectorSettings = Field(default_factory=DetectorSettings)
    shifts: ShiftSettings = Field(default_factory=ShiftSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @field_validator("timezone")
    @classmethod
    def _a_timezone(cls, value: str) -> str:
        """An IANA name the machine knows; checked now, not at the first run at 3 a.m."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (an IANA name such as Europe/Berlin or UTC)") from None
        return value


# --------------------------------------------------------------------------- loading
def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _validated(model: type[BaseModel], data: dict[str, Any], path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from None


def load_sources(path: str | Path | None = None) -> SourcesFile:
    """Read and validate a sources file (the shipped default when `path` is None)."""
    path = Path(path) if path else DEFAULT_SOURCES
    return _validated(SourcesFile, _read_yaml(path), path)


def load_config(path: str | Path | None = None) -> Config:
    """Read a configuration file over the shipped defaults (deep-merged)."""
    data = _read_yaml(DEFAULT_CONFIG)
    if path:
        data = _merge(data, _read_yaml(Path(path)))
    return _validated(Config, data, Path(path) if path else DEFAULT_CONFIG)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
