"""The visit-quota rules: the regulation's defaults (rules.toml) plus a department's
overrides (--rules FILE). Overrides may only change existing keys, keeping their types."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

RULE_IDS = ("mm_store_trips", "mm_hq_visits", "cm_plan_cadence", "cm_store_coverage",
            "cm_scarce_notice", "cm_hq_visits")
RULES_OF_ROLE = {"mm": RULE_IDS[:2], "cm": RULE_IDS[2:]}


@functools.cache
def _bundled(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("gcs_excel").joinpath(name).read_text("utf-8"))


def bundled_settings(name: str, path: str | Path | None = None, what: str = "规则文件") -> dict[str, Any]:
    """A settings file shipped in gcs_excel/ (rules.toml, allocation.toml ...) as a fresh
    dict, with a department's overrides from path when given; what names that file in
    messages. Every command's --config / --rules goes through here."""
    data = copy.deepcopy(_bundled(name))
    if path is not None:
        merge_overrides(data, read_overrides(path, what), what)
    return data


@dataclass(frozen=True)
class Rules:
    """The visit-quota rules in force: rules.toml with a department's overrides."""
    data: Mapping[str, Mapping[str, Any]]
    source: str = "默认规则"

    def __getitem__(self, section: str) -> Mapping[str, Any]:
        return self.data[section]

    def clause(self, rule: str) -> str:
        """The regulation's clause a rule implements."""
        return self.data[rule]["clause"]

    def title(self, rule: str) -> str:
        """A rule's Chinese title."""
        return self.data[rule]["title"]

    @property
    def extra_holidays(self) -> frozenset[dt.date]:
        """Holidays the rules file adds to chinesecalendar's."""
        return frozenset(map(dt.date.fromisoformat, self.data["calendar"]["extra_holidays"]))

    @property
    def extra_workdays(self) -> frozenset[dt.date]:
        """Working days (调休) the rules file adds."""
        return frozenset(map(dt.date.fromisoformat, self.data["calendar"]["extra_workdays"]))


def merge_overrides(base: dict, override: dict, what: str = "规则文件", where: str = "") -> None:
    """Put a department's overrides into base (a copy of the defaults), in place: only
    keys that exist, each keeping its type; what names the file in messages."""
    for key, value in override.items():
        if key not in base:
            raise ConfigError(f"{what}里的「{where}{key}」不是已知的规则或设置（可用：{'、'.join(base)}）")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{what}里的「{where}{key}」应是一节 [{where}{key}]")
            merge_overrides(base[key], value, what, f"{where}{key}.")
            continue
        expected = type(base[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)            # 0 for 0.0 is what a person writes
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(f"{what}里的「{where}{key}」应是{_TYPE_WORDS.get(expected, expected.__name__)}")
        if expected in (int, float) and value < 0:
            raise ConfigError(f"{what}里的「{where}{key}」不能是负数")
        base[key] = value


def read_overrides(path: str | Path, what: str = "规则文件") -> dict[str, Any]:
    """A department's override file (TOML), with a one-line Chinese error when it is
    missing or malformed."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到{what} {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{what} {path} 格式不对：{e}") from None


_TYPE_WORDS = {int: "整数", float: "数字", str: "文字", list: "列表", bool: "true 或 false"}


def load_rules(path: str | Path | None = None) -> Rules:
    """The default rules, or the defaults with a department's rules file."""
    data = bundled_settings("rules.toml", path)
    if path is None:
        return Rules(data)
    for key in ("extra_holidays", "extra_workdays"):
        for value in data["calendar"][key]:
            try:
                dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise ConfigError(f"规则文件里 calendar.{key} 的「{value}」不是 YYYY-MM-DD 日期") from None
    plan, trips = data["plan"], data["mm_store_trips"]
    if plan["mm_stores_per_trip"] < trips["stores_per_trip"]:
        raise ConfigError("plan.mm_stores_per_trip 不能少于 mm_store_trips.stores_per_trip")
    if plan["max_stores_per_day"] < 1:
        raise ConfigError("plan.max_stores_per_day 至少是 1")
    return Rules(data, str(path))
