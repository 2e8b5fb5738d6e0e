"""`gcs onboard`: a new group customer from its application to the files (clause 三(一)).

config.py reads onboarding.toml (documents' requirements, survey items, weights, pass mark)
with a department's overrides; form.py writes the application workbook 入网申报表 (blank,
or filled: the demo's sample); review.py checks a filled one (the validation's checks plus
documents, survey score and approval trail); approve.py appends an approved customer and
its stores to 总部档案 and 卖场明细表, keeping the old files as backups.
"""
