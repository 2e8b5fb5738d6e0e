"""Names of the sheets gcs_excel itself adds to workbooks (never data to validate)."""

import re

INSTRUCTIONS = "填表说明"   # templates: every field, whether required, its rule, an example
LISTS = "下拉列表"          # templates: hidden lists behind reference dropdowns
RESULTS = "校验结果"        # gcs validate --annotate: every problem, linked to its cell
CHANGES = "修改记录"        # gcs fix: every change made (cell, old, new)
LIVE = "指标"               # visit log: live quota numbers from formulas
LIVE_CALC = "指标计算"      # visit log: the hidden helper columns behind 指标
OPERATIONS = "操作"          # .xlsm workbooks: month/person/customer cells and the buttons
CONFLICTS = "冲突"           # gcs merge: rows of one key that differ, side by side
MERGE_NOTES = "合并说明"     # gcs merge: rows in and out per file and template, the conservation check
DIFF = "变更"                # gcs merge --base: rows added, changed and removed against the old master
BY_CUSTOMER = "按客户汇总"     # gcs allocate: quantities per group customer
BY_MANAGER = "按客户经理汇总"   # gcs allocate: quantities per customer manager
ALLOCATION_NOTES = "分配说明"   # gcs allocate: the rule in words with the numbers used
NOT_TAKING_PART = "不参与的卖场"  # gcs allocate: stores on file whose (HQ's) 状态 keeps them out
LEFT_OUT = "未计入的行"         # rows with errors left out of the work, with the reasons
APPLICATION_COVER = "申报表"  # gcs onboard new: the application on one page to sign, formulas only
REFERENCE_PREFIX = "参照-"  # visit log: copies of the department's files the formulas read
# gcs notices: a printed notice, named by its number (checks.identifiers.format_notice_number)
NOTICE_SHEET = re.compile(r"GX[0-9]{6}-[0-9]{4}")

AUXILIARY = frozenset({INSTRUCTIONS, LISTS, RESULTS, CHANGES, LIVE, LIVE_CALC, OPERATIONS, CONFLICTS,
                       MERGE_NOTES, DIFF, APPLICATION_COVER, "xlwings.conf"})
AUXILIARY |= {BY_CUSTOMER, BY_MANAGER, ALLOCATION_NOTES, NOT_TAKING_PART, LEFT_OUT}
PROGRESS_CUSTOMERS = "客户目标进度"     # gcs targets --progress: year to date per customer
PROGRESS_MANAGERS = "客户经理目标进度"  # gcs targets --progress: year to date per customer manager
PROGRESS_NEED = "剩余各月要完成"        # gcs targets --progress: what each remaining month needs
AUXILIARY |= {PROGRESS_CUSTOMERS, PROGRESS_MANAGERS, PROGRESS_NEED}

BRIEF_INDEX = "拜访目录"             # gcs brief: the day's visits in plan order, one sheet each after it
AUXILIARY |= {BRIEF_INDEX}


def is_auxiliary(name: str) -> bool:
    """Whether a sheet is one gcs_excel adds itself (never data to validate)."""
    return name in AUXILIARY or name.startswith(REFERENCE_PREFIX) or NOTICE_SHEET.fullmatch(name) is not None


def reference_sheet(name: str) -> str:
    """参照-人员名单 for 人员名单."""
    return REFERENCE_PREFIX + name
WEEKLY_MINUTES = "会议纪要"          # gcs weekly: the minutes form to print and fill at the meeting
WEEKLY_SALES = "客户销售"            # gcs weekly: each customer's month so far against the target's pace
WEEKLY_PROBLEMS = "拜访发现问题"      # gcs weekly: last week's 发现问题 by customer
WEEKLY_QUOTAS = "指标进度"           # gcs weekly: each person's quotas for the month so far
WEEKLY_TODO = "指标待办"             # gcs weekly: the stores, HQs, trips and plans still to do
WEEKLY_NEXT = "下周拜访安排"          # gcs weekly: next week's planned visits per person and day
WEEKLY_COMPLIANCE = "专卖事项"        # gcs weekly: compliance problems for the 专卖 staff
AUXILIARY |= {WEEKLY_MINUTES, WEEKLY_SALES, WEEKLY_PROBLEMS, WEEKLY_QUOTAS, WEEKLY_TODO, WEEKLY_NEXT,
              WEEKLY_COMPLIANCE}

# gcs symposium (issue 12, section 3): the pack's invitation list, a customer's form, the tally's sheets
INVITATIONS = "邀请名单"
SURVEY = "满意度调查表"
TALLY_QUESTIONS = "按问题"
TALLY_MANAGERS = "按客户经理"
TALLY_COMMENTS = "意见和建议"
TALLY_FORMS = "逐份评分"
TALLY_PROBLEMS = "汇总问题"
AUXILIARY |= {INVITATIONS, SURVEY, TALLY_QUESTIONS, TALLY_MANAGERS, TALLY_COMMENTS, TALLY_FORMS, TALLY_PROBLEMS}
