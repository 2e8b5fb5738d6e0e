"""The `gcs` command line: one core call per command; errors become one clear line here.

This is the only module that imports click. Exit codes: 0 done and clean, 1 problems
found, 2 input unreadable or the work could not be done, 3 internal error.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
from pathlib import Path

import click

from . import __version__
from .errors import GcsError

EXIT_PROBLEMS, EXIT_FAILED, EXIT_BUG, EXIT_INTERRUPTED = 1, 2, 3, 130


class _Group(click.Group):
    """Turns the library's exceptions into one line (a traceback only with --debug)."""

    def invoke(self, ctx: click.Context):
        """Run the command; a GcsError is one line (exit 2), a bug one line (exit 3)."""
        try:
            return super().invoke(ctx)
        except GcsError as e:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"错误：{e}", err=True)
            ctx.exit(EXIT_FAILED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("已中断。", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as e:  # a bug: say so plainly, keep the details for --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"内部错误：{type(e).__name__}: {e}（加 --debug 可看详细信息，请把它报给维护者）", err=True)
            ctx.exit(EXIT_BUG)


def _today(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("请写成 YYYY-MM-DD，如 2026-10-31") from None


class _Progress:
    """Progress on stderr for a long run: a bar for counted work (called with done,
    total and the item's name, as the core's progress callbacks are) and a line per step
    (step). Made only when someone is watching (see _progress)."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr,
                                         item_show_func=lambda n: n, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos, name or None)
        if done >= total:
            self.bar.__exit__(None, None, None)
            self.bar = None

    def step(self, message: str) -> None:
        """One line for a step of a run made of named steps (the demo)."""
        click.echo(f"· {message}……", err=True)


def _progress(label: str) -> _Progress | None:
    """A progress display, or None when stderr is not a terminal (a pipe, a log file)."""
    return _Progress(label) if sys.stderr.isatty() else None


def _terminate(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C does: outputs half-written are removed on the
    way out (the default would kill the process where it stands)."""
    raise SystemExit(128 + signum)


HELP = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_help = click.help_option("-h", "--help", help="显示这段帮助并退出。")


@click.group(cls=_Group, context_settings=HELP)
@click.option("--debug", is_flag=True, help="出错时显示完整的调用栈（给维护者看）。")
@click.version_option(__version__, "--version", prog_name="gcs", message="%(prog)s %(version)s",
                      help="显示版本并退出。")
@_help
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """集团客户服务的 Excel 工具：标准模板、数据校验、拜访指标、月度分析。

    示例：gcs demo 生成一套示例数据并校验；gcs validate *.xlsx 校验你自己的文件。
    """
    ctx.ensure_object(dict)["debug"] = debug


@cli.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="模板写到这个文件夹。")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用本单位的卷烟规格表做“卷烟规格”下拉列表（默认用内置的示例目录）。")
@_help
def templates(out_dir: Path, catalogue: Path | None) -> None:
    """按规格生成全部标准模板（.xlsx）。

    每个模板都有固定的表头、下拉列表、输入提示、文本格式的编号列和“填表说明”工作表。

    示例：gcs templates --out 模板
    """
    from .templates import build_templates

    paths = build_templates(out_dir, catalogue=catalogue)
    for p in paths:
        click.echo(f"已生成 {p}")


@cli.command("build-workbooks")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="带按钮的工作簿（.xlsm）写到这个文件夹。")
@click.option("--from", "from_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="从这个文件夹里的人员名单和总部档案预填“操作”表的人员、客户下拉列表。")
@_help
def build_workbooks(out_dir: Path, from_dir: Path | None) -> None:
    """生成带按钮的工作簿（.xlsm）：总部档案、卖场明细表、拜访计划、拜访记录、销售数据。

    每个工作簿就是对应的标准模板，另加：第一个工作表“操作”（月份、人员、客户和按钮）、“集团客户”选项卡，以及由源码目录 macros/ 生成的宏。按钮要在装好 Python、gcs_excel 和 xlwings 加载项的电脑上使用（见 README 和 docs/EXCEL.md）。

    示例：gcs build-workbooks --out 模板 --from 部门文件
    """
    from .vba.workbooks import build_workbooks as build

    result = build(out_dir, from_dir)
    for p in result.regenerated:
        click.echo(f"已更新 {p}")
    for p in result.workbooks:
        click.echo(f"已生成 {p}")
    if from_dir is not None:
        click.echo(f"下拉列表：{result.staff} 名人员，{result.customers} 个客户")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：{\"issues\": [...], \"summary\": {...}}。")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False, path_type=Path),
              help="把每个工作簿标注后的副本写到这个文件夹（原文件不动）。")
@click.option("--max", "max_per_file", default=100, show_default=True,
              help="每个文件最多列出多少个问题（0 = 全部）。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def validate(files: tuple[Path, ...], as_json: bool, annotate_dir: Path | None, max_per_file: int,
             today: str | None) -> None:
    """校验工作簿和 CSV：找出所有填错的地方，一个不漏。

    同时给出的文件之间互相核对引用（卖场→总部、拜访对象→总部或卖场、人员→人员名单……）。

    退出码：0 没有问题，1 发现问题，2 有文件无法读取。

    示例：gcs validate 总部档案.xlsx 卖场明细表.xlsx 人员名单.xlsx --annotate 标注
    """
    from .render import render_validation, to_json
    from .validation import validate_files

    run = validate_files(list(files), annotate_dir=annotate_dir, today=_today(today),
                         progress=None if as_json else _progress("校验"))
    report = run.validation.report
    if as_json:
        data = report.as_dict()
        if annotate_dir:
            data["summary"]["annotated"] = [
                {"file": a.file, "output": str(a.output) if a.output else None, "error": a.error,
                 "lacks": a.lacks} for a in run.annotated]
        click.echo(to_json(data))
    else:
        click.echo(render_validation(report, max_per_file))
        for a in run.annotated:
            if a.output:
                click.echo(f"已标注 {a.file} → {a.output}（{a.marked} 个单元格）"
                           + (f"；副本里没有原文件的{'、'.join(a.lacks)}" if a.lacks else ""))
            else:
                click.echo(f"未能标注 {a.file}：{a.error}")
    sys.exit(report.exit_code)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="修正后的文件（不能是原文件）。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def fix(file: Path, out: Path, today: str | None) -> None:
    """只做安全的修正，写成一个新文件，并列出每一处修改。

    安全的修正：全角改半角、去掉多余空格和换行、文字日期改成日期、月份写成 YYYY-MM、
    位数完整的数字编号改成文本、文本形式的数字改成数字。丢失的位数永远不会去猜。

    退出码：0 修正后没有问题，1 还有需要人工处理的问题，2 无法完成。

    示例：gcs fix 卖场明细表.xlsx --out 卖场明细表_已修正.xlsx
    """
    from .fix import fix_file
    from .problems import problem_types

    result = fix_file(file, out, today=_today(today))
    kinds = {}
    for ch in result.changes:
        for r in ch.reasons:
            kinds[r] = kinds.get(r, 0) + 1
    if result.changes:
        click.echo(f"改了 {len(result.changes)} 处：" + "、".join(f"{k} {n}" for k, n in kinds.items()))
    else:
        click.echo("没有可以安全修正的内容。")
    where = f"「{result.change_log}」" if result.change_log else f"「{result.output}」的“修改记录”工作表"
    click.echo(f"已写出 {result.output}；每一处修改都列在{where}。")
    for note in result.notes:
        click.echo(f"· {note}")
    if result.lacks:
        click.echo(f"注意：原文件里的{'、'.join(result.lacks)}没有带到新文件里，请用新文件的数据替换原文件中的数据，而不是整个替换原文件。")
    left = result.after
    if left.problems:
        titles = problem_types()
        click.echo(f"还有 {left.count('error')} 个错误、{left.count('warning')} 个警告需要人工处理："
                   + "、".join(f"{titles[c].title} {n}" for c, n in left.by_code().most_common()))
        click.echo(f"用 gcs validate {result.output} 查看详情。")
        sys.exit(EXIT_PROBLEMS)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--template", "template", required=True, help="要填的模板（如 销售数据、卖场明细表），须与映射文件的 template 一致。")
@click.option("--map", "mapping", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="映射文件（TOML）：源文件的列 → 模板的表头、单位、月份和日期格式、固定值"
                   "（示例见 gcs_excel/mappings/）。")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="填好的模板（.xlsx，不能是源文件）。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"output\", \"sources\": [...], \"unconverted\": [...], \"validation\": {...}}。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def fill(sources: tuple[Path, ...], template: str, mapping: Path, out: Path, as_json: bool, today: str | None) -> None:
    """用别的系统的导出文件（订货系统的销售明细、公司的零售户名单……）填好一个标准模板，并校验。

    SOURCE 是 CSV（UTF-8 或 GBK，上面可以有标题行）或 xlsx，可以多个。映射文件写明哪一列填到哪个表头，
    以及单位换算（箱→条 ×250、件→条 ×50）、月份和日期格式（yyyymm、yyyy/m/d）、可选值的对应和固定值。
    映射里没写的列逐个列出，换算不了的值按原样写入并列出它在源文件的第几行，绝不悄悄丢掉。
    写出的工作簿就是标准模板（下拉列表、输入提示、文本格式的编号列），写完用 gcs validate 的检查校验。

    退出码：0 全部换算且校验没有问题，1 有换算不了的值或校验发现问题，2 无法完成。

    示例：gcs fill --template 销售数据 --map gcs_excel/mappings/订货系统_销售.toml --out 销售数据_2026-10.xlsx 销售明细_202610.csv
    """
    from .filling import fill as run
    from .render import render_fill, to_json

    shown = None if as_json else _progress("填写")
    result = run(list(sources), mapping, out, template=template, today=_today(today),
                 progress=shown.step if shown else None)
    click.echo(to_json(result.as_dict()) if as_json else render_fill(result))
    sys.exit(result.exit_code)

@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="合并后的总表（不能是输入文件之一）。")
@click.option("--base", "base", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上一版总表：写出“变更”表（新增、修改、删除），冲突时按 --policy 保留它的行。")
@click.option("--policy", type=click.Choice(["flag", "newest", "base"]), default="flag", show_default=True,
              help="同一个键的行不一样时保留哪一行：flag 保留基准的（没有基准时保留先给出的文件的）并标为待定；"
                   "newest 保留最后保存的文件的；base 保留基准的。每处冲突都列在“冲突”表里。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def merge(files: tuple[Path, ...], out: Path, base: Path | None, policy: str, today: str | None) -> None:
    """把各人的工作簿合并成一本总表，一行不丢。

    每个文件都照 gcs validate 校验；有错误的行照样进入总表并注明。同一模板的行叠在一起，每行写明来源文件、
    工作表和行号；完全相同的行只留一行并计数；同一个键（专卖证号、客户编码……）的值不同的是冲突，
    并排列在“冲突”表里。“合并说明”表逐个文件列出读入和进入总表的行数，并核对：
    读入 = 进入总表 + 重复删除 + 冲突未采用。

    退出码：0 完成，1 有待定的冲突或有错误的行，2 无法完成（有文件读不了、不能写出）。

    示例：gcs merge --out 卖场总表.xlsx --base 上周总表.xlsx 刘洋/卖场明细表.xlsx 陈静/卖场明细表.xlsx
    """
    from .merging import merge as run
    from .render import render_merge

    result = run(list(files), out, base=base, policy=policy, today=_today(today), progress=_progress("合并"))
    click.echo(render_merge(result))
    sys.exit(result.exit_code)


MONTH_HELP = "月份，YYYY-MM，如 2026-10。"
RULES_HELP = "部门自己的规则文件（TOML），覆盖默认的拜访指标数字（见 gcs_excel/rules.toml）。"


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--month", required=True, help=MONTH_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：{\"month\", \"results\": [...], \"warnings\": [...]}。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写出指标工作簿：指标汇总、明细、计划执行、拜访提醒、会议检查。")
@click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), help=RULES_HELP)
@click.option("--today", "today", help="按这一天判断计划和会议是否到期（YYYY-MM-DD，默认今天）。")
@_help
def quotas(files: tuple[Path, ...], month: str, as_json: bool, out: Path | None, rules: Path | None,
           today: str | None) -> None:
    """检查每个人当月的拜访指标是否达标，缺什么列出什么。

    FILE 是部门的文件：人员名单、总部档案、卖场明细表、拜访计划、拜访记录（可以给多份拜访记录，
    会合在一起算）。先校验，有错误的行不计入并列出。每人每条规则给出应有、实际、是否达标，
    以及没拜访的卖场和总部（编码、名称、地址、电话）、每天走访的卖场数、缺的计划周期。

    给了会议记录时，同时检查会议：每个片区每个工作日的日例会、每周有专卖人员参加的周会、
    每半年邀请全部正常总部的座谈会，缺哪天、哪周、哪个总部列出来，逾期未完成的会议事项也列出；
    没给会议记录时明说没有检查会议。

    退出码：0 全部达标，1 有未达标（含会议），2 有文件无法读取。

    示例：gcs quotas --month 2026-10 人员名单.xlsx 总部档案.xlsx 卖场明细表.xlsx 拜访计划_2026-10.xlsx 拜访记录_2026-10.xlsx --out 拜访指标_2026-10.xlsx
    """
    from .quota_check import quotas as check
    from .render import render_quotas, to_json

    report = check(list(files), month, rules=rules, today=_today(today))
    if out and report.exit_code != 2:
        from .quota_workbook import write_quota_workbook
        write_quota_workbook(report, out, inputs=files)
    if as_json:
        click.echo(to_json(report.as_dict()))
    else:
        click.echo(render_quotas(report))
        if out and report.exit_code != 2:
            click.echo(f"\n已写出 {out}（指标汇总、明细、计划执行、拜访提醒、会议检查）")
    sys.exit(report.exit_code)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--month", required=True, help=MONTH_HELP)
@click.option("--person", help="给这个人排计划（人员名单里的姓名）。")
@click.option("--all", "everyone", is_flag=True, help="给人员名单里的每个人排计划。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写出的计划工作簿（默认 拜访计划_<月份>.xlsx）。")
@click.option("--into", "into", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="已有的计划工作簿：原有的行原样保留，新计划排在它们周围、写在它们后面。")
@click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), help=RULES_HELP)
@_help
def plan(files: tuple[Path, ...], month: str, person: str | None, everyone: bool, out: Path | None,
         into: Path | None, rules: Path | None) -> None:
    """按规定排出当月的拜访计划（照着走就能达标）。

    客户经理：名下每个正常卖场至少一次（月销量高的卖场两次，分在上、下半月），每个总部两次预约拜访；
    市场经理：至少 4 个走访日、每天至少 10 个卖场（逐月轮换，全部卖场都会轮到），每个总部一次预约拜访。
    只排工作日（法定节假日和调休），每天不超过上限，同一片区、同一条路的卖场排在同一天；
    计划周期按日期填（1–15 日为上，16 日起为下）。FILE 要有人员名单、总部档案和卖场明细表。

    示例：gcs plan --month 2026-11 --all 人员名单.xlsx 总部档案.xlsx 卖场明细表.xlsx --out 拜访计划_2026-11.xlsx
    """
    from .planner import make_plan

    result = make_plan(list(files), month, person=person, everyone=everyone, into=into, out=out, rules=rules)
    counts = "、".join(f"{p} {result.count(p)} 条" for p in result.people)
    click.echo(f"{result.month} 拜访计划：{len(result.people)} 人，新排 {len(result.rows)} 条（{counts}）")
    if into:
        click.echo(f"原计划 {result.kept} 行原样保留")
    click.echo(f"已写出 {result.output}")
    for note in result.notes:
        click.echo(f"· {note}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--month", required=True, help=MONTH_HELP)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="销售回顾和销售报表写到这个文件夹。")
@click.option("--customer", "customers", multiple=True, help="只做这个客户（客户编码），可重复。默认全部正常客户。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"month\", \"customers\": [...], \"department\": {...}}。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的分析设置（TOML），覆盖 gcs_excel/monthly.toml 里的门槛和建议措辞。")
@_help
def monthly(files: tuple[Path, ...], month: str, out_dir: Path, customers: tuple[str, ...], as_json: bool,
            config: Path | None) -> None:
    """每个集团客户一本月度销售回顾，外加部门销售报表。

    FILE 是销售数据（xlsx 或订货系统导出的 CSV，UTF-8 或 GBK，可以多个文件、多个月份）、卷烟规格、
    总部档案、卖场明细表、销售目标，以及（可选）拜访记录和品牌采集。先校验，有错误的行不计入并列出。
    每本回顾有：市场概况、客户销售、终端情况（给了拜访数据时）、分析与建议，带原生图表，可直接打印；
    发给客户的文件里只有全部门合计和该客户自己的数据，没有身份证号、银行帐号或别的客户的数据。

    示例：gcs monthly --month 2026-10 --out 销售回顾 销售数据.csv 卷烟规格.xlsx 总部档案.xlsx 卖场明细表.xlsx 销售目标.xlsx 拜访记录_2026-10.xlsx
    """
    from .reporting.run import monthly as run
    from .render import render_monthly, to_json

    result = run(list(files), month, out_dir, customers=customers, config=config, progress=_progress("写销售回顾"))
    click.echo(to_json(result.as_dict()) if as_json else render_monthly(result))
    sys.exit(result.exit_code)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--month", required=True, help=MONTH_HELP)
@click.option("--reports", "reports", required=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="gcs monthly 写出销售回顾的文件夹。")
@click.option("--smtp", "smtp", help="邮件服务器 主机:端口，如 smtp.example.cn:465。")
@click.option("--ssl", "security", flag_value="ssl", help="用 SSL 连接（通常是 465 端口）。")
@click.option("--starttls", "security", flag_value="starttls", help="连接后用 STARTTLS 加密（通常是 587 端口）。")
@click.option("--user", "user", help="登录邮件服务器的用户名；密码放在环境变量 GCS_SMTP_PASSWORD 里。")
@click.option("--from", "sender", help="发件人地址。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="邮件设置文件（TOML）：服务器、发件人、邮件标题和正文模板（见 gcs_excel/mail.toml）。")
@click.option("--cc-managers", is_flag=True, help="抄送该客户的客户经理和市场经理（人员名单里的邮箱）。")
@click.option("--eml", "eml_dir", type=click.Path(file_okay=False, path_type=Path),
              help="不发送，把每封邮件写成 .eml 草稿放到这个文件夹（Outlook、Foxmail 可打开）。")
@click.option("--dry-run", is_flag=True, help="只列出会发给谁，什么也不发、不写。")
@click.option("--resend-unconfirmed", is_flag=True,
              help="也重发状态不明的邮件（上次发送时连接断了、没等到服务器确认的；用同一个 Message-ID）。")
@_help
def mail(files: tuple[Path, ...], month: str, reports: Path, smtp: str | None, security: str | None,
         user: str | None, sender: str | None, config: Path | None, cc_managers: bool, eml_dir: Path | None,
         dry_run: bool, resend_unconfirmed: bool) -> None:
    """把每个客户的销售回顾发到它的负责人邮箱（总部档案），一个客户一封。

    FILE 是部门的文件（至少要有总部档案；--cc-managers 还要人员名单），用到什么取什么。
    发送记录写在 REPORTS 文件夹里，逐个收件人记下结果：再运行一次只发给还没收到的人，绝不重复发送；
    发送时连接断了、没等到服务器确认的，列为“状态不明”，确认对方没收到后用 --resend-unconfirmed 重发。
    按 Ctrl-C 会等正在发的那封发完、记下后再停。没有邮箱的客户会列出来，不会悄悄跳过。
    密码从环境变量 GCS_SMTP_PASSWORD 读取，没有时从系统的凭据管理器读取（keyring set gcs_excel 用户名）。

    退出码：0 全部送达，1 有收件人没有收到（被拒收、状态不明、没有邮箱……），2 无法完成。

    示例：gcs mail --month 2026-10 --reports 销售回顾 --smtp smtp.example.cn:465 --ssl --user jtkh@example.cn --from jtkh@example.cn --cc-managers 总部档案.xlsx 人员名单.xlsx
    """
    from .mail import load_settings, send_reviews
    from .render import render_mail

    settings = load_settings(config, smtp=smtp, security=security, user=user, sender=sender)
    result = send_reviews(list(files), month, reports, settings=settings, cc_managers=cc_managers,
                          eml_dir=eml_dir, dry_run=dry_run, resend_unconfirmed=resend_unconfirmed,
                          progress=_progress("发送销售回顾"))
    click.echo(render_mail(result))
    sys.exit(EXIT_INTERRUPTED if result.interrupted else result.exit_code)


# --- gcs onboard (入网) -----------------------------------------------------------------
ONBOARD_STAFF_HELP = "人员名单：核对申报表里的市场经理、客户经理是否在其中、岗位是否相符。"
ONBOARD_CONFIG_HELP = "部门自己的入网设置文件（TOML），覆盖调研项目的分值、及格线等（见 gcs_excel/onboarding.toml）。"


@cli.group(context_settings=HELP)
@_help
def onboard() -> None:
    """新集团客户入网：申报表、检查、审批后写入档案。

    先用 gcs onboard new 生成入网申报表，填好总部和卖场资料、证照清单、现场调研评分，市场经理初审、营销中心审批；gcs onboard check 检查它缺什么；gcs onboard approve 把审批通过的客户和卖场追加到总部档案和卖场明细表（旧文件留作备份）。

    示例：gcs onboard new --out 入网申报表_天天惠.xlsx
    """


@onboard.command("new")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="申报表写到这个文件（.xlsx）。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), help=ONBOARD_CONFIG_HELP)
@_help
def onboard_new(out: Path, config: Path | None) -> None:
    """生成一份空白的入网申报表。

    工作表：申报总部（一行）、申报卖场（每个卖场一行）、证照清单、现场调研（项目、分值、评分要点已预填）、审批（初审、审批两行），以及填表说明。编号列是文本格式，有下拉列表和输入提示，可直接打印成 A4。

    示例：gcs onboard new --out 入网申报表_天天惠.xlsx
    """
    from .onboarding.form import new_application

    click.echo(f"已生成 {new_application(out, config=config)}")


@onboard.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"issues\", \"summary\", \"documents\", \"survey\", \"approval\", \"approved\", \"missing\"}。")
@click.option("--staff", "staff", type=click.Path(dir_okay=False, path_type=Path), help=ONBOARD_STAFF_HELP)
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), help=ONBOARD_CONFIG_HELP)
@click.option("--max", "max_per_file", default=100, show_default=True, help="最多列出多少个问题（0 = 全部）。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def onboard_check(file: Path, as_json: bool, staff: Path | None, config: Path | None, max_per_file: int,
                  today: str | None) -> None:
    """检查一份入网申报表：资料填得对不对，证照、调研、审批还缺什么。

    总部和卖场资料用与 gcs validate 相同的检查（统一社会信用代码、身份证号、专卖证号、电话……）；有有效的统一社会信用代码时，税务登记证、组织机构代码证、一般纳税人资格证算作已并入营业执照；现场调研按分值折算成百分制与及格线比较；列出未签署的审批环节。

    退出码：0 没有问题（可以审批入网），1 有问题或缺项，2 文件无法读取。

    示例：gcs onboard check 入网申报表_天天惠.xlsx --staff 人员名单.xlsx
    """
    from .onboarding.review import check_application
    from .render import render_onboard_check, to_json

    result = check_application(file, staff=staff, config=config, today=_today(today))
    click.echo(to_json(result.as_dict()) if as_json else render_onboard_check(result, max_per_file))
    sys.exit(result.report.exit_code)


@onboard.command("approve")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--into", "into", required=True, nargs=2, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="总部档案和卖场明细表（两个文件；同一个工作簿里有这两张表时写两遍）。")
@click.option("--staff", "staff", type=click.Path(dir_okay=False, path_type=Path), help=ONBOARD_STAFF_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：{\"code\", \"name\", \"stores\", \"joined\", \"outputs\", \"notes\"}。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path), help=ONBOARD_CONFIG_HELP)
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def onboard_approve(file: Path, into: tuple[Path, Path], staff: Path | None, as_json: bool, config: Path | None,
                    today: str | None) -> None:
    """把审批通过的新客户和它的卖场追加到总部档案和卖场明细表。

    新客户编码按总部档案顺延（同一前缀的下一个号），入网日期是营销中心审批的日期，状态为正常。没有两步都同意、申报表有错误、统一社会信用代码或专卖证号已在档、数据下面还有合计行时拒绝，什么也不写。原有的行、格式、下拉列表和其他工作表原样保留；旧文件先复制到旁边的“备份”文件夹，新文件写好后才替换。

    示例：gcs onboard approve 入网申报表_天天惠.xlsx --into 总部档案.xlsx 卖场明细表.xlsx --staff 人员名单.xlsx
    """
    from .onboarding.approve import approve_application
    from .render import render_onboard_approve, to_json

    result = approve_application(file, list(into), staff=staff, config=config, today=_today(today))
    click.echo(to_json(result.as_dict()) if as_json else render_onboard_approve(result))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--sku", required=True, help="要分配的紧俏规格（卷烟规格表里的名称），如 中华(硬)。")
@click.option("--total", required=True, type=click.IntRange(min=0), help="这个月这个规格可分配的总量（条），全部分出去。")
@click.option("--month", required=True, help="分配的月份，YYYY-MM；权重用它上一个月的销量。")
@click.option("--floor", type=click.IntRange(min=0), help="每个卖场的保底（条），默认 1（见 gcs_excel/allocation.toml）。")
@click.option("--cap", type=click.IntRange(min=1), help="每个卖场的上限（条），默认不封顶。")
@click.option("--basis", type=click.Choice(["sales", "monthly_volume"]),
              help="权重的依据：sales 上月该规格的销量（默认；上月没有销量时改按月销量），monthly_volume 卖场明细表的月销量。")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="写出的分配工作簿（.xlsx），gcs notices 读它写书面告知。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"sku\", \"month\", \"total\", \"allocations\": [{\"licence\", \"customer\", "
                   "\"weight\", \"share\", \"quantity\"}]}。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的分配规则文件（TOML），覆盖 gcs_excel/allocation.toml 的默认值。")
@_help
def allocate(files: tuple[Path, ...], sku: str, total: int, month: str, floor: int | None, cap: int | None,
             basis: str | None, out: Path, as_json: bool, config: Path | None) -> None:
    """把一个紧俏规格当月的货源公平地分给各集团客户的卖场，写出分配工作簿。

    FILE 是卖场明细表、卷烟规格、上月的销售数据（xlsx 或 CSV）和总部档案（可选）。先校验，有错误的行不计入并列出。
    参与分配的是状态为正常、所属总部也正常的卖场。每个卖场先得保底，其余按上月该规格的销量成比例分配；
    超过上限的按上限给，多出的再按比例分给其他卖场；最后按最大余数法取整（小数部分相同时给权重大的，
    再相同时给专卖证号小的）。总量一条不差地分完，同样的输入再算一次结果完全相同。

    退出码：0 完成，1 完成但有错误的行没有计入，2 无法分配（规格不在目录里、总量不够保底或超过上限……）。

    示例：gcs allocate --sku 中华(硬) --total 500 --month 2026-11 --cap 20 卖场明细表.xlsx 总部档案.xlsx 卷烟规格.xlsx 销售数据_2026-10.csv --out 紧俏货源分配_2026-11.xlsx
    """
    from .allocation import allocate as run
    from .render import render_allocation, to_json

    result = run(list(files), sku, total, month, floor=floor, cap=cap, basis=basis, config=config, out=out,
                 progress=None if as_json else _progress("分配"))
    click.echo(to_json(result.as_dict()) if as_json else render_allocation(result))
    sys.exit(result.exit_code)


@cli.command()
@click.option("--allocation", "allocations", multiple=True, required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="gcs allocate 写出的分配工作簿；同一个月的几个规格就给几次 --allocation。")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="告知书写到这个文件夹（每月一本 紧俏货源告知_<月份>.xlsx 和同名 PDF）。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的告知书文字（TOML），覆盖 gcs_excel/notices.toml 里的默认值（订货窗口天数、义务、投诉电话……）。")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="只写工作簿，不转 PDF。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON：{\"months\": [...], \"excluded\": [...], \"notes\": [...]}。")
@_help
def notices(allocations: tuple[Path, ...], out_dir: Path, config: Path | None, no_pdf: bool, as_json: bool) -> None:
    """给每个分到紧俏货源的卖场出一份书面告知书（A4 一页，编号、签收栏），外加告知登记。

    一个卖场一个月一份告知书，列出它当月分到的每个规格（批发价、零售指导价、数量、分配依据、规则版本），
    写明订货窗口、经营义务和投诉电话 12313，下面是卖场负责人和客户经理的签字、日期栏。
    编号为 GX + 年月 + 4 位序号（如 GX202612-0001）；文件夹里已有当月的告知工作簿时沿用它的编号：
    内容不变的告知书编号不变，改了的换新编号、旧编号在登记里标为作废，编号永不改给别的卖场。
    分到 0 条的卖场不出告知书（列出）。装了 LibreOffice 时同时写出 PDF。

    示例：gcs notices --allocation 紧俏货源分配_中华(硬)_2026-12.xlsx --out 紧俏货源告知
    """
    from .notice_issue import issue_notices
    from .render import render_notices, to_json

    result = issue_notices(list(allocations), out_dir, config=config, pdf=not no_pdf, progress=_progress("告知书"))
    click.echo(to_json(result.as_dict()) if as_json else render_notices(result))
    sys.exit(result.exit_code)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(2000, 2100), help="目标年份，如 2027（分解时必填）。")
@click.option("--total", type=click.IntRange(min=0),
              help="年度目标（条）：和 --customer 一起给；和 --from 一起给时须等于文件里的合计。")
@click.option("--customer", help="要分解目标的集团客户编码，如 JT0001。")
@click.option("--from", "from_file", type=click.Path(dir_okay=False, path_type=Path),
              help="年度目标文件（xlsx 或 CSV，列：客户编码、年度目标(条)），每个客户一行。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="写出的工作簿（.xlsx）：分解时写销售目标和卖场目标；--progress 时写目标进度。")
@click.option("--progress", "progress", is_flag=True, help="看进度：年初到 --month 的目标完成情况。")
@click.option("--month", help="--progress 看到哪个月（YYYY-MM，含这个月）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的目标设置（TOML），覆盖 gcs_excel/targets.toml 的默认值。")
@_help
def targets(files: tuple[Path, ...], year: int | None, total: int | None, customer: str | None,
            from_file: Path | None, out: Path | None, progress: bool, month: str | None, as_json: bool,
            config: Path | None) -> None:
    """把集团客户的年度销售目标分解到月和卖场；或用 --progress 看目标完成进度。

    分解：FILE 是总部档案、卖场明细表和销售数据（xlsx 或 CSV），先校验，有错误的行不计入并列出。
    每月的目标按客户最近 12 个月的季节性（每个月占全年的比例；历史不够时用全部门的，再不够就平均），
    并按春节所在月份调整；每月再按各卖场近 6 个月销量的占比分到卖场，没有销量的新卖场有保底。
    所有合计都按最大余数法取整，一条不差；同样的输入结果完全相同。写出的销售目标表可直接给 gcs monthly。

    进度：FILE 是分解写出的销售目标工作簿和销售数据（加总部档案可按客户经理汇总）。

    退出码：0 完成，1 完成但有错误的行没有计入，2 无法完成。

    示例：gcs targets --year 2027 --total 120000 --customer JT0001 --out 销售目标_2027.xlsx 总部档案.xlsx 卖场明细表.xlsx 销售数据.csv

    示例：gcs targets --progress --month 2027-05 销售目标_2027.xlsx 销售数据.csv 总部档案.xlsx
    """
    from .render import to_json

    if progress:
        from .render import render_target_progress
        from .targets_progress import target_progress

        if not month:
            raise click.UsageError("--progress 要和 --month 一起给")
        p = target_progress(list(files), month, config=config, out=out)
        click.echo(to_json(p.as_dict()) if as_json else render_target_progress(p))
        sys.exit(p.exit_code)
    from .render import render_targets
    from .targets import set_targets

    if year is None or out is None:
        raise click.UsageError("分解目标要给 --year 和 --out")
    result = set_targets(list(files), year, customer=customer, total=total, from_file=from_file, config=config,
                         out=out, progress=None if as_json else _progress("分解目标"))
    click.echo(to_json(result.as_dict()) if as_json else render_targets(result))
    sys.exit(result.exit_code)


@cli.command()
@click.argument("folder", required=False, default="gcs_demo", type=click.Path(file_okay=False, path_type=Path))
@click.option("--month", help="示例数据的月份（YYYY-MM，默认上个月）。")
@click.option("--seed", default=2026, show_default=True, help="随机种子：同一种子生成同样的数据。")
@_help
def demo(folder: Path, month: str | None, seed: int) -> None:
    """生成一个示例营销部（人员、总部、卖场、拜访、销售……），演示全部功能。

    写出标准数据（校验没有问题）和错误示例（常见的填写错误）及其标注副本，
    检查当月拜访指标，写出每个客户的销售回顾、部门销售报表和邮件草稿。

    示例：gcs demo gcs_demo
    """
    from .demo import run_demo
    from .render import render_demo

    if month:
        from .values import MONTH_RE
        if not MONTH_RE.match(month):
            raise click.BadParameter("请写成 YYYY-MM，如 2026-10", param_hint="--month")
    shown = _progress("示例")
    r = run_demo(folder, month=month, seed=seed, progress=shown.step if shown else None)
    click.echo(render_demo(r))
    sys.exit(0 if not r.clean_report.problems else EXIT_PROBLEMS)


# --- gcs forecast (issue 11, section 1) ---------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--month", required=True, help="要预测的月份，YYYY-MM；用它之前各月的销售数据。--check 时是要检查的月份。")
@click.option("--horizon", type=click.IntRange(1, 12), default=1, show_default=True, help="从 --month 起预测几个月。")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="写出预测工作簿（文件，或文件夹：写成其中的 需求预测_<月份>.xlsx）；--check 时写出 预测检查_<月份>.xlsx。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的预测设置（TOML），覆盖 gcs_excel/forecast.toml（断货风险的天数……）。")
@click.option("--check", "check", is_flag=True,
              help="月份结束后检查：FILE 里给出当初的预测工作簿（含客户经理的调整）和这个月的销售数据。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"month\", \"series\": [{\"customer\", \"sku\", \"forecast\", \"low\", \"high\", \"method\", "
                   "\"wape\", \"baseline_wape\"}], \"customers\": [{\"customer\", \"forecast\", \"wape\", \"baseline_wape\"}], "
                   "\"department\": {\"forecast\", \"wape\", \"baseline_wape\"}}；WAPE 是小数，没有回测时为 null。")
@_help
def forecast(files: tuple[Path, ...], month: str, horizon: int, out: Path | None, config: Path | None, check: bool,
             as_json: bool) -> None:
    """按客户×规格预测下月需求（条），并给出过去 6 个月回测的准确度。

    FILE 是销售数据（xlsx 或 CSV，至少上个月为止；同期法需要 13 个月以上）、总部档案、卷烟规格，可选拜访记录（品牌采集）。
    先校验，有错误的行不计入。每个客户×规格用最近 6 个月做回测（每个月只用它之前的数据去预测），
    从 同期×趋势（春节对齐）、近3月平均、指数平滑、同期+平滑 中选误差最小的；给出 80% 区间和回测 WAPE，
    并和只看去年同月的同期法比较。上市不久的新品、新客户、停售的规格用简单方法并标出。

    退出码：0 完成，2 文件无法读取。

    示例：gcs forecast --month 2026-11 销售数据.csv 总部档案.xlsx 卷烟规格.xlsx --out 需求预测_2026-11.xlsx

    月底检查：gcs forecast --check --month 2026-11 需求预测_2026-11.xlsx 销售数据.csv 总部档案.xlsx
    """
    from .render import render_forecast, render_forecast_check, to_json

    if check:
        from .forecast_check import check_forecast

        checked = check_forecast(list(files), month, out=out)
        click.echo(to_json(checked.as_dict()) if as_json else render_forecast_check(checked))
        sys.exit(checked.exit_code)
    from .forecasting import forecast as run

    result = run(list(files), month, horizon=horizon, out=out, config=config)
    click.echo(to_json(result.as_dict()) if as_json else render_forecast(result))
    sys.exit(result.exit_code)
# --- end gcs forecast ----------------------------------------------------------------------


# --- gcs weekly (issue 12, section 2) -----------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--week", required=True, help="要回顾的 ISO 周，YYYY-Www，如 2026-W43（周一到周日）。")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="写出周会材料工作簿，如 周会材料_2026-W43.xlsx：会议纪要和每一部分一张可打印的表"
                   "（给已有的文件夹时写成其中的 周会材料_<周>.xlsx）。")
@click.option("--area", help="只看这个片区（卖场明细表和人员名单的所属片区），如 芙蓉片区。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的周会设置（TOML），覆盖 gcs_excel/weekly.toml（专卖关键词、纪要空行数）。")
@click.option("--rules", "rules", type=click.Path(dir_okay=False, path_type=Path), help=RULES_HELP)
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option("--today", "today", help="按这一天校验拜访日期不在将来（YYYY-MM-DD，默认今天）。")
@_help
def weekly(files: tuple[Path, ...], week: str, out: Path | None, area: str | None, config: Path | None,
           rules: Path | None, as_json: bool, today: str | None) -> None:
    """做片区周会的材料：回顾上周，安排下周（办法三(三)，周会请专卖人员参加）。

    FILE 是部门的文件：人员名单、总部档案、卖场明细表，以及拜访记录、拜访计划、销售数据（xlsx 或 CSV）、
    销售目标。先校验，有错误的行不计入并列出。内容：每个客户本月至今的销售对照目标进度
    （销售数据只有月份时说明并用本月至今）；上周拜访发现的问题，按客户归类；每人本月至今的拜访指标
    （与 gcs quotas 同一算法）和还要做的；下周的拜访计划；发现问题里涉及专卖的事项（专卖证号、日期）；
    以及会议纪要：日期（回顾周之后的周一）、参会人员（含专卖人员）、议程，留空行记会议决定和行动事项。
    周所在的月份按周四算（ISO 周的规则）。

    退出码：0 完成，1 完成但有错误的行没有计入，2 无法完成。

    示例：gcs weekly --week 2026-W43 --out 周会材料_2026-W43.xlsx 人员名单.xlsx 总部档案.xlsx 卖场明细表.xlsx 拜访记录_2026-10.xlsx 拜访计划_2026-10.xlsx 销售数据.csv 销售目标.xlsx
    """
    from .render import render_weekly, to_json
    from .weekly_pack import weekly as make_pack

    result = make_pack(list(files), week, area=area, out=out, config=config, rules=rules, today=_today(today))
    click.echo(to_json(result.as_dict()) if as_json else render_weekly(result))
    sys.exit(result.exit_code)
# --- end gcs weekly -----------------------------------------------------------------------



@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--date", "day", required=True, help="拜访的日子，YYYY-MM-DD：为拜访计划里这一天的每次拜访各出一页。")
@click.option("--person", help="只给这个人（人员名单里的姓名）。")
@click.option("--all", "everyone", is_flag=True, help="给这一天有计划的每个人。")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="写出的工作簿（.xlsx）；给文件夹时写成其中的 拜访准备_<日期>[_<姓名>].xlsx。")
@click.option("--previous-catalogue", "previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上次拜访时的卷烟规格表：和 FILE 里的卷烟规格比较，列出调价、新增和停供的规格。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的设置（TOML），覆盖 gcs_excel/brief.toml（携带工具、每页列几项、市场经理的检查项目）。")
@click.option("--json", "as_json", is_flag=True,
              help="输出 JSON：{\"date\", \"briefs\": [...], \"price_changes\", \"notes\", \"excluded\"}。")
@click.option("--today", "today", help="按这一天判断“晚于今天”（YYYY-MM-DD，默认今天）。")
@_help
def brief(files: tuple[Path, ...], day: str, person: str | None, everyone: bool, out: Path,
          previous: Path | None, config: Path | None, as_json: bool, today: str | None) -> None:
    """拜访前的准备：拜访计划里这一天的每次拜访一页 A4，打印后带去。

    每页：拜访对象（名称、编码、专卖证号、地址、联系人和电话、客户经理、市场经理；总部按其卖场合计），
    近 3 个月的销量、销售额和趋势，销量最高和环比下降最多的规格，新品和紧俏规格（给了分配工作簿和
    紧俏货源告知工作簿时，列出本月分给它的数量和应递交的告知编号，尚未递交的会写明），价格变化
    （给了 --previous-catalogue 时），上次拜访发现的问题和之后的跟进，要带的工具（勾选框）。
    市场经理的卖场拜访页另有客户经理本月对该店的拜访、客户意见和客户经理服务检查表。
    FILE 要有人员名单、总部档案、卖场明细表和拜访计划；拜访记录、卷烟规格、销售数据（xlsx 或 CSV）、
    gcs allocate 的分配工作簿和 gcs notices 的告知工作簿有就一起给。

    退出码：0 完成，1 这一天没有计划拜访（一行说明，不写工作簿）或有错误的行没有计入，2 无法完成。

    示例：gcs brief --date 2026-10-22 --person 刘洋 --out 拜访准备 人员名单.xlsx 总部档案.xlsx 卖场明细表.xlsx 拜访计划_2026-10.xlsx 拜访记录_2026-10.xlsx 卷烟规格.xlsx 销售数据.csv
    """
    from .visit_brief import brief as run
    from .render import render_brief, to_json

    result = run(list(files), _date(day, "--date"), person=person, everyone=everyone, out=out,
                 previous_catalogue=previous, config=config, today=_today(today),
                 progress=None if as_json else _progress("读入文件"))
    click.echo(to_json(result.as_dict()) if as_json else render_brief(result))
    sys.exit(result.exit_code)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("请写成 YYYY-MM-DD，如 2026-10-22", param_hint=option) from None


@cli.command(hidden=True)
@click.option("--out", "out_dir", default="docs", type=click.Path(file_okay=False, path_type=Path))
@_help
def docs(out_dir: Path) -> None:
    """重新生成 docs/ 下由规格和命令帮助生成的文档。

    示例：gcs docs --out docs
    """
    from .docs import write_docs

    for p in write_docs(out_dir, cli_reference=cli_reference()):
        click.echo(f"已写出 {p}")


def cli_reference() -> str:
    """Every command's --help, as Markdown (docs/CLI.md)."""
    lines = ["# 命令参考", "", "由 `gcs docs` 从各命令的 `--help` 生成，请勿手改。", ""]
    ctx = click.Context(cli, info_name="gcs", terminal_width=100, max_content_width=100)
    lines += ["## gcs", "", "```", cli.get_help(ctx), "```", ""]
    for name in cli.list_commands(ctx):
        cmd = cli.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        sub = click.Context(cmd, info_name=name, parent=ctx)
        lines += [f"## gcs {name}", "", "```", cmd.get_help(sub), "```", ""]
        for sub_name in getattr(cmd, "commands", {}):      # a group's commands (gcs onboard new ...)
            leaf = click.Context(cmd.commands[sub_name], info_name=sub_name, parent=sub)
            lines += [f"## gcs {name} {sub_name}", "", "```", cmd.commands[sub_name].get_help(leaf), "```", ""]
    return "\n".join(lines)


def main() -> None:
    """The `gcs` console script."""
    signal.signal(signal.SIGTERM, _terminate)
    cli(prog_name="gcs")


# --- gcs symposium (issue 12, section 3) --------------------------------------------------
@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--half", help="哪个半年：YYYY-H1（1–6 月）或 YYYY-H2（7–12 月），如 2026-H1。")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="写到哪里：准备材料时是文件夹；--tally 时是汇总工作簿（.xlsx）。")
@click.option("--tally", "tally", is_flag=True, help="汇总：FILE 是收回的满意度调查表（每个客户一个工作簿，或一行一张表的表格）。")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON。")
@click.option("--config", "config", type=click.Path(dir_okay=False, path_type=Path),
              help="部门自己的座谈会设置（TOML），覆盖 gcs_excel/symposium.toml（调查表的问题、分值……）。")
@_help
def symposium(files: tuple[Path, ...], half: str | None, out: Path | None, tally: bool, as_json: bool,
              config: Path | None) -> None:
    """半年一次的集团客户座谈会：准备材料，或汇总收回的满意度调查表。

    准备：FILE 是总部档案、卷烟规格和销售数据（卖场明细表、销售目标可一起给），先校验，有错误的行不计入并列出。
    在 --out 文件夹写出 座谈会材料_<半年>.xlsx（邀请名单，每个客户一页半年小结：销量和销售额比上期、比去年同期，
    目标达成，价类结构和图，货源变化）和 满意度调查表_<半年> 文件夹（每家受邀总部一份，已填客户编码和客户经理）。
    数据不满半年时（如当前半年）按已有的月数，上期和去年同期也取相同月数比较。

    汇总：评分填 1–5 的整数（按设置），“4”“４”“4分”“4.0”都算 4；空着算未答，其他算无效，都列出单元格。

    退出码：准备 0 完成，1 完成但有错误的行没有计入，2 无法完成；汇总 0 没有问题，1 有问题，2 有文件读不了。

    示例：gcs symposium --half 2026-H1 --out 座谈会 总部档案.xlsx 卖场明细表.xlsx 卷烟规格.xlsx 销售数据.csv 销售目标.xlsx

    示例：gcs symposium --tally --out 满意度汇总_2026-H1.xlsx 收回的调查表/*.xlsx
    """
    from .render import to_json

    if tally:
        from .render import render_tally
        from .symposium_tally import tally_symposium

        if half is not None:    # the forms carry their customers, not a half: say so rather than ignore it
            raise click.UsageError("汇总（--tally）不用 --half：调查表按上面的客户编码归类；汇总文件名里可以写上半年，如 --out 满意度汇总_2026-H1.xlsx")

        t = tally_symposium(list(files), out, config=config)
        click.echo(to_json(t.as_dict()) if as_json else render_tally(t))
        sys.exit(t.exit_code)
    from .render import render_symposium
    from .symposium_pack import symposium as make_pack

    if half is None or out is None:
        raise click.UsageError("准备座谈会材料要给 --half 和 --out（文件夹）")
    result = make_pack(list(files), half, out, config=config, progress=None if as_json else _progress("校验"))
    click.echo(to_json(result.as_dict()) if as_json else render_symposium(result))
    sys.exit(result.exit_code)
