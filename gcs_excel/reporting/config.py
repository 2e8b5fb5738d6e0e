"""The monthly review's thresholds and advice rules: gcs_excel/monthly.toml plus a
department's overrides, loaded the way rules.py loads the visit-quota rules."""

from __future__ import annotations

import copy
import functools
import string
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from ..errors import ConfigError
from ..rules import merge_overrides, read_overrides

WHAT = "月度回顾设置文件"
DIRECTIONS = ("more", "less", "none")
SUBJECTS = ("sku", "store", "customer")


@functools.cache
def _defaults() -> dict[str, Any]:
    data = tomllib.loads(resources.files("gcs_excel").joinpath("monthly.toml").read_text("utf-8"))
    for rule in data["rules"].values():
        rule.setdefault("silences", [])      # so that a department may set it on any rule
    return data


@dataclass(frozen=True)
class Rule:
    """One advice rule of monthly.toml."""
    id: str
    priority: int
    when: tuple[str, ...]
    silences: tuple[str, ...]
    direction: str
    text: str                 # "" = say nothing about these findings


@dataclass(frozen=True)
class Finding:
    """Something the data show, for the advice rules to speak about."""
    kind: str
    subject: str              # what it is about: a SKU, a store's licence, or "" for the customer
    data: Mapping[str, str]   # the rule texts' placeholders, already written as words


@dataclass(frozen=True)
class MonthlyConfig:
    """The thresholds, the finding kinds and the rules (defaults or a department's)."""
    thresholds: Mapping[str, float]
    findings: Mapping[str, Mapping[str, Any]]
    rules: tuple[Rule, ...]            # highest priority first
    source: str = "默认设置"

    def __getattr__(self, name: str) -> Any:
        """A threshold by its name: config.min_base."""
        try:
            return self.__dict__["thresholds"][name]
        except KeyError:
            raise AttributeError(name) from None

    def advise(self, findings: list[Finding]) -> list[tuple[Rule, str]]:
        """The sentences for these findings: per subject, the rules in priority order,
        each taking the findings it needs (and silencing others) so that one finding is
        said once, and two that meet are said together or not at all."""
        by_subject: dict[tuple[str, str], dict[str, Finding]] = {}
        order: list[tuple[str, str]] = []
        for f in findings:
            key = (self.findings[f.kind]["subject"], f.subject)
            if key not in by_subject:
                by_subject[key] = {}
                order.append(key)
            by_subject[key][f.kind] = f
        said = []
        for key in order:
            left = by_subject[key]
            for rule in self.rules:
                if all(k in left for k in rule.when):
                    data: dict[str, str] = {}
                    for k in rule.when:
                        data.update(left.pop(k).data)
                    for k in rule.silences:
                        left.pop(k, None)
                    if rule.text:
                        said.append((rule, rule.text.format(**data)))
        return said


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _check(data: dict[str, Any], where: str) -> None:
    findings = data["findings"]
    for kind, f in findings.items():
        if f["subject"] not in SUBJECTS or f["direction"] not in DIRECTIONS:
            raise ConfigError(f"{where}里发现 {kind} 的 subject 或 direction 不对")
    for rid, r in data["rules"].items():
        unknown = [k for k in (*r["when"], *r["silences"]) if k not in findings]
        if unknown or not r["when"]:
            raise ConfigError(f"{where}里规则 {rid} 的 when/silences 有不认识的发现：{'、'.join(unknown) or '（空）'}")
        if len({findings[k]["subject"] for k in r["when"]}) != 1:
            raise ConfigError(f"{where}里规则 {rid} 的 when 里的发现不是同一种对象")
        if r["direction"] not in DIRECTIONS:
            raise ConfigError(f"{where}里规则 {rid} 的 direction 只能是 {'、'.join(DIRECTIONS)}")
        try:
            extra = _placeholders(r["text"]) - {x for k in r["when"] for x in findings[k]["fields"]}
        except ValueError as e:
            raise ConfigError(f"{where}里规则 {rid} 的措辞格式不对：{e}") from None
        if extra:
            raise ConfigError(f"{where}里规则 {rid} 的措辞用了 when 的发现里没有的占位："
                              + "、".join("{" + x + "}" for x in sorted(extra)))


def load_config(path: str | Path | None = None) -> MonthlyConfig:
    """The defaults, or the defaults with a department's file of overrides."""
    data = copy.deepcopy(_defaults())
    source = "默认设置"
    if path is not None:
        merge_overrides(data, read_overrides(path, WHAT), WHAT)
        source = str(path)
    _check(data, WHAT if path is not None else "monthly.toml ")
    rules = tuple(sorted((Rule(rid, r["priority"], tuple(r["when"]), tuple(r["silences"]), r["direction"], r["text"])
                          for rid, r in data["rules"].items()), key=lambda r: (-r.priority, -len(r.when), r.id)))
    return MonthlyConfig(data["thresholds"], data["findings"], rules, source)
