"""Names of the sheets gcs_excel itself adds to workbooks (never data to validate)."""

INSTRUCTIONS = "填表说明"   # templates: every field, whether required, its rule, an example
LISTS = "下拉列表"          # templates: hidden lists behind reference dropdowns
RESULTS = "校验结果"        # gcs validate --annotate: every problem, linked to its cell
CHANGES = "修改记录"        # gcs fix: every change made (cell, old, new)

AUXILIARY = frozenset({INSTRUCTIONS, LISTS, RESULTS, CHANGES})
