"""gcs_excel: group-customer service work in Excel — templates, validation, quotas, reports.

The commands of `gcs` as Python, returning the result objects the command line prints::

    import gcs_excel

    run = gcs_excel.validate(["总部档案.xlsx", "卖场明细表.xlsx", "人员名单.xlsx"])
    for p in run.report.problems:
        print(p.cell, p.code, p.message)
    report = gcs_excel.quotas(["人员名单.xlsx", "总部档案.xlsx", "卖场明细表.xlsx", "拜访记录.xlsx"], "2026-10")

Each name is imported on first use, so that `import gcs_excel` stays light (pandas only
comes with `monthly`, openpyxl only with `fix_file` and annotated copies).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> (module, attribute)
_API = {
    "validate": ("validation", "validate_files"),            # gcs validate
    "fix_file": ("fix", "fix_file"),                          # gcs fix
    "merge": ("merging", "merge"),                           # gcs merge
    "quotas": ("quota_check", "quotas"),                      # gcs quotas
    "write_quota_workbook": ("quota_workbook", "write_quota_workbook"),   # gcs quotas --out
    "plan": ("planner", "make_plan"),                         # gcs plan
    "monthly": ("reporting.run", "monthly"),                  # gcs monthly
    "send_reviews": ("mail", "send_reviews"),                 # gcs mail
    "build_templates": ("templates", "build_templates"),      # gcs templates
    "fill": ("filling", "fill"),                              # gcs fill
    "build_workbooks": ("vba.workbooks", "build_workbooks"),  # gcs build-workbooks
    "allocate": ("allocation", "allocate"),                   # gcs allocate
    "write_allocation_workbook": ("allocation_workbook", "write_allocation_workbook"),   # gcs allocate --out
    "issue_notices": ("notice_issue", "issue_notices"),       # gcs notices
    "run_demo": ("demo", "run_demo"),                         # gcs demo
    "forecast": ("forecasting", "forecast"),                     # gcs forecast
    "forecast_table": ("forecasting", "forecast_table"),         # the forecast of inputs already loaded (demo, monthly)
    "write_forecast_workbook": ("forecast_workbook", "write_forecast_workbook"),   # gcs forecast --out
    "check_forecast": ("forecast_check", "check_forecast"),   # gcs forecast --check
    "onboard_new": ("onboarding.form", "new_application"),                    # gcs onboard new
    "onboard_check": ("onboarding.review", "check_application"),              # gcs onboard check
    "onboard_approve": ("onboarding.approve", "approve_application"),         # gcs onboard approve
    "set_targets": ("targets", "set_targets"),                # gcs targets
    "target_progress": ("targets_progress", "target_progress"),   # gcs targets --progress
    "weekly": ("weekly_pack", "weekly"),                      # gcs weekly
    "symposium": ("symposium_pack", "symposium"),             # gcs symposium
    "tally_symposium": ("symposium_tally", "tally_symposium"),   # gcs symposium --tally
    "brief": ("visit_brief", "brief"),                       # gcs brief
    "GcsError": ("errors", "GcsError"),
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'gcs_excel' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value         # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
