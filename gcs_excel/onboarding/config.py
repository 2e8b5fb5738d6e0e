"""The onboarding settings: onboarding.toml (what each document requires, the survey's
items, weights and pass mark, the code prefix of a first customer) plus a department's
overrides (--config), read with the loader the quota rules and monthly review share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from ..errors import ConfigError
from ..rules import bundled_settings
from ..spec import load_specs

WHAT = "入网设置文件"
# Document ids (specs/onboarding.toml) that the 2015/2016 reforms merged into the business
# licence: none issued since, so a valid USCC stands for them.
MERGED_DOCUMENTS = ("tax_registration", "org_code", "general_taxpayer")


@dataclass(frozen=True)
class SurveyItem:
    """One line of the site-survey form: its name, weight (full marks) and what is looked at."""
    id: str
    name: str
    weight: float
    criteria: str


@dataclass(frozen=True)
class OnboardingConfig:
    """The onboarding settings in force."""
    documents: Mapping[str, str]            # document id -> requirement, in words
    items: tuple[SurveyItem, ...]
    pass_mark: float                        # out of 100
    code_prefix: str
    source: str = "默认设置"

    @property
    def total_weight(self) -> float:
        """The survey's full marks: the sum of the items' weights."""
        return sum(i.weight for i in self.items)


def load_config(path: str | Path | None = None) -> OnboardingConfig:
    """onboarding.toml, or it with a department's overrides (only existing keys, same types)."""
    data = bundled_settings("onboarding.toml", path, WHAT)
    source = "默认设置" if path is None else str(path)
    survey = data["survey"]
    items = tuple(SurveyItem(k, v["name"], float(v["weight"]), v["criteria"]) for k, v in survey["items"].items())
    if len({i.name for i in items}) != len(items) or any(not i.name.strip() for i in items):
        raise ConfigError(f"{WHAT}里调研项目的 name 不能为空，也不能重复")
    if sum(i.weight for i in items) <= 0:
        raise ConfigError(f"{WHAT}里调研项目的 weight 之和要大于 0")
    if not 0 <= survey["pass_mark"] <= 100:
        raise ConfigError(f"{WHAT}里的 survey.pass_mark 是百分制，应在 0 到 100 之间")
    if not re.fullmatch(r"[A-Z]{2}", data["code_prefix"]):
        raise ConfigError(f"{WHAT}里的 code_prefix 应是两位大写字母，如 JT")
    documents = load_specs().with_applications.sheet("apply_documents").field("document").options
    if set(data["documents"]) != set(documents):
        raise ConfigError(f"{WHAT}的 [documents] 应正好列出 {'、'.join(documents)}")
    return OnboardingConfig(data["documents"], items, float(survey["pass_mark"]), data["code_prefix"], source)
