"""集团客户 · xlwings Lite 脚本（main.py）

用法：在 Excel 里打开 xlwings Lite 任务窗格 → 编辑器，把本文件全部内容贴到 main.py，
把同一文件夹里的 requirements.txt 贴到 requirements.txt，等依赖装好后，
在 Lite 的脚本列表里点要运行的脚本。

xlwings Lite 的 Python 运行在浏览器里，读不到电脑上的文件，也不能连接邮件服务器，所以：
- 校验本表：可用。检查本工作簿，写出“校验结果”表（每条可点到单元格）；
  Lite 不能加批注、读不出原有底色，所以不给单元格标色，也不做和其他文件的交叉核对。
- 安全修正：可用。先不勾“确认修改”运行一次，列出要改的地方；勾上再运行才会修改，
  每处修改写进“修改记录”表。
- 校验拜访指标、生成拜访计划、生成月度分析：要读同一文件夹里的人员名单、总部档案等文件，
  Lite 里会提示改用经典方式（Excel 加 Python，见 README“在 Excel 里点按钮”）。
- 发送报表：只能在经典方式里用。
"""

import xlwings as xw
from xlwings import script

from gcs_excel.xl.jobs import run_job
from gcs_excel.xl.xlwings_book import LiteBook


@script
def validate_book(book: xw.Book):
    """校验本表：检查本工作簿，写出“校验结果”表。"""
    run_job("validate", LiteBook(book))


@script
def safe_fix(book: xw.Book, 确认修改: bool = False):
    """安全修正：不勾“确认修改”只列出要改的地方；勾上才修改，并写“修改记录”表。"""
    run_job("fix", LiteBook(book, confirmed=确认修改))


@script
def check_quotas(book: xw.Book):
    """校验拜访指标（需要同一文件夹里的其他文件：Lite 里会说明改用经典方式）。"""
    run_job("quotas", LiteBook(book))


@script
def make_plan(book: xw.Book):
    """生成拜访计划（需要同一文件夹里的其他文件：Lite 里会说明改用经典方式）。"""
    run_job("plan", LiteBook(book))


@script
def monthly_review(book: xw.Book):
    """生成月度分析（要写新的工作簿文件：Lite 里会说明改用经典方式）。"""
    run_job("monthly", LiteBook(book))


@script
def send_reports(book: xw.Book):
    """发送报表：浏览器里不能连接邮件服务器，只能在经典方式里用。"""
    book.app.alert("发送报表只能在经典方式（Excel 加 Python）里用：xlwings Lite 在浏览器里运行，不能连接邮件服务器。"
                   "请按 README“在 Excel 里点按钮”安装经典方式后，点“集团客户”选项卡的“发送报表”。", title="集团客户")


@script
def merge_copies(book: xw.Book):
    """合并副本（要读“客户经理副本”文件夹、写新的工作簿文件：Lite 里会说明改用经典方式）。"""
    run_job("merge", LiteBook(book))
