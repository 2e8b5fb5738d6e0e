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
def _defaults() -> dict[str, Any]:
    text = resources.files("gcs_excel").joinpath("rules.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(frozen=True)
class Rules:
    data: Mapping[str, Mapping[str, Any]]
    source: str = "默认规则"

    def __getitem__(self, section: str) -> Mapping[str, Any]:
        return self.data[section]

    def clause(self, rule: str) -> str:
        return self.data[rule]["clause"]

    def title(self, rule: str) -> str:
        return self.data[rule]["title"]

    @property
    def extra_holidays(self) -> frozenset[dt.date]:
        return frozenset(map(dt.date.fromisoformat, self.data["calendar"]["extra_holidays"]))

    @property
    def extra_workdays(self) -> frozenset[dt.date]:
        return frozenset(map(dt.date.fromisoformat, self.data["calendar"]["extra_workdays"]))


def _merge(base: dict, override: dict, where: str) -> None:
    for key, value in override.items():
        if key not in base:
            raise ConfigError(f"规则文件里的「{where}{key}」不是已知的规则或设置（可用：{'、'.join(base)}）")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"规则文件里的「{where}{key}」应是一节 [{key}]")
            _merge(base[key], value, f"{where}{key}.")
            continue
        expected = type(base[key])
        if expected is int and isinstance(value, bool) or not isinstance(value, expected):
            raise ConfigError(f"规则文件里的「{where}{key}」应是{_TYPE_WORDS.get(expected, expected.__name__)}")
        if expected is int and value < 0:
            raise ConfigError(f"规则文件里的「{where}{key}」不能是负数")
        base[key] = value


_TYPE_WORDS = {int: "整数", str: "文字", list: "列表", bool: "true 或 false"}


def load_rules(path: str | Path | None = None) -> Rules:
    data = copy.deepcopy(_defaults())
    if path is None:
        return Rules(data)
    path = Path(path)
    try:
        override = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到规则文件 {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"规则文件 {path} 格式不对：{e}") from None
    _merge(data, override, "")
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
