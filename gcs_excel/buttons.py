"""The buttons inside the workbooks, as data (buttons.toml): what each job is called, where
it sits on the ribbon and the 操作 sheet, and which workbooks carry it."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

BUTTONS_FILE = Path(__file__).with_name("buttons.toml")


@dataclass(frozen=True)
class Job:
    """One button: its job id (the tag the VBA passes to Python), label and place."""
    id: str
    label: str
    group: str
    image: str              # a built-in Office icon (imageMso)
    macro: str              # the sheet button's Sub in GcsMain.bas
    command: str            # the gcs command that does the same
    tip: str
    workbooks: tuple[str, ...]


@dataclass(frozen=True)
class Operations:
    """The 操作 sheet: where the month, person and customer are chosen."""
    sheet: str
    month_cell: str
    person_cell: str
    customer_cell: str
    all_customers: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Buttons:
    """Every job, in ribbon order, and the 操作 sheet."""
    jobs: tuple[Job, ...]
    operations: Operations

    def job(self, job_id: str) -> Job:
        """The job of this id (KeyError when there is none)."""
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    def for_workbook(self, template_id: str) -> list[Job]:
        """The jobs whose buttons the .xlsm of this template carries."""
        return [j for j in self.jobs if template_id in j.workbooks]


@functools.cache
def load_buttons(path: Path = BUTTONS_FILE) -> Buttons:
    """buttons.toml, parsed."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    ops = data["operations"]
    return Buttons(
        jobs=tuple(Job(**{**j, "workbooks": tuple(j["workbooks"])}) for j in data["jobs"]),
        operations=Operations(**{**ops, "lines": tuple(ops["lines"])}),
    )
