"""Reports as text for the terminal or as JSON. Pure: returns strings, prints nothing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from .problems import Problem, Report, problem_types, show
from .textwidth import display_width, pad

SEVERITY_WORDS = {"error": "错误", "warning": "警告"}


def to_json(data: Any) -> str:
    """JSON for --json: Chinese kept readable, values we do not know shown as text."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=show)


def _problem_line(p: Problem) -> list[str]:
    if p.cell:
        where = f"{p.sheet}!{p.cell}"           # as Excel writes a reference
    elif p.row:
        where = f"{p.sheet} 第 {p.row} 行"
    else:
        where = p.sheet or "（整个文件）"
    if p.column:
        where += f" {p.column}"
    head = f"  {where}  [{SEVERITY_WORDS[p.severity]} {p.code}]"
    lines = [head, f"      {p.message}"]
    if p.suggestion is not None and p.suggestion != "":
        lines.append(f"      建议改为：{show(p.suggestion)}")
    if p.related:
        more = "、".join(p.related[:8]) + ("……" if len(p.related) > 8 else "")
        lines.append(f"      同样的问题还在：{more}")
    return lines


def render_validation(report: Report, max_per_file: int = 100) -> str:
    """A validation report for the terminal: a summary line, then each file's problems."""
    kinds = problem_types()
    out: list[str] = []
    files = report.files
    of_file: dict[str, list[Problem]] = {f.file: [] for f in files}
    for p in report.problems:
        of_file.setdefault(p.file, []).append(p)
    bad = sum(1 for f in files if of_file[f.file])
    out.append(f"校验了 {len(files)} 个文件：{report.rows} 行数据，"
               f"{report.count('error')} 个错误，{report.count('warning')} 个警告"
               + (f"，{len(report.unreadable)} 个文件无法读取" if report.unreadable else "")
               + (f"（{bad} 个文件有问题）" if bad else ""))
    for f in files:
        out.append("")
        if f.read_error:
            out.append(f"✗ {f.file}：无法读取 —— {f.read_error}")
            continue
        sheets = "，".join(f"{s.sheet}→{s.recognised_as} {s.rows} 行" if s.recognised_as
                          else f"{s.sheet}（未识别）" for s in f.sheets) or "没有可识别的工作表"
        problems = of_file[f.file]
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        mark = "✓" if not problems else "✗"
        out.append(f"{mark} {f.file}（{sheets}）：{errors} 个错误，{warnings} 个警告")
        by_code = Counter(p.code for p in problems)
        if by_code:
            out.append("  按类型：" + "、".join(f"{kinds[c].title} {n}" for c, n in by_code.most_common()))
        shown = problems if max_per_file <= 0 else problems[:max_per_file]
        for p in shown:
            out.extend(_problem_line(p))
        if len(shown) < len(problems):
            out.append(f"  ……还有 {len(problems) - len(shown)} 个问题没有列出（用 --max 0 列出全部，"
                       f"或用 --annotate 在工作簿里标出）")
        for note in f.notes:
            out.append(f"  · {note}")
    if report.notes:
        out.append("")
        out.extend(f"· {note}" for note in report.notes)
    return "\n".join(out)



# --- gcs fill -----------------------------------------------------------------------------
def render_fill(result, max_lines: int = 20) -> str:
    """A fill for the terminal: what was written, each source's columns left out, the values
    that could not be converted (with their source rows), then the validation's summary."""
    m = result.mapping
    out = [f"已写出 {result.output}（{m.template.workbook}「{m.sheet.name}」{result.rows} 行）"]
    for s in result.sources:
        encoding = f"，{s.encoding.upper()} 编码" if s.encoding else ""
        out.append(f"  {s.file}「{s.sheet}」（第 {s.header_row} 行是表头{encoding}）：{s.rows} 行")
        if s.unmapped:
            out.append(f"    映射里没有、没有导入的列：{'、'.join(s.unmapped)}")
        if s.ignored:
            out.append(f"    按映射不导入的列：{'、'.join(s.ignored)}")
        if s.missing:
            out.append(f"    映射里有、这个文件里没有的列：{'、'.join(s.missing)}")
        if s.totals:
            out.append(f"    合计行没有导入：第 {'、'.join(map(str, s.totals))} 行")
        if s.other:
            out.append(f"    只在映射外的列有内容、没有导入的行：第 {'、'.join(map(str, s.other))} 行")
    if result.unconverted:
        out.append(f"没能换算的值 {len(result.unconverted)} 处（按原样写入，请对照来源改正）：")
        for u in result.unconverted[:max_lines]:
            out.append(f"  {u.file} 第 {u.row} 行「{u.column}」{show(u.value)}：{u.reason} → {m.sheet.name}!{u.cell}")
        if len(result.unconverted) > max_lines:
            out.append(f"  ……还有 {len(result.unconverted) - max_lines} 处（用 --json 列出全部）")
    out += ["", render_validation(result.validation.report, max_lines)]
    return "\n".join(out)

# --- quotas -----------------------------------------------------------------------------
def pct(x: float | None) -> str:
    """A fraction as a percentage; — where the ratio has no base."""
    return "—" if x is None else f"{x:.1%}"


def signed_pct(x: float | None) -> str:
    """A change as a signed percentage; — where the ratio has no base."""
    return "—" if x is None else f"{x:+.1%}"


def shortfall_lines(r) -> list[str]:
    """What a person has to do about one rule, one line per store, HQ, day or period."""
    d = r.details
    if r.rule == "mm_store_trips":
        per = d["stores_per_trip"]
        out = [f"还差 {r.required - r.actual} 趟（一天走访至少 {per} 个不同的正常卖场算一趟）"] if not r.ok else []
        if d["days"]:
            out.append("走访卖场的日子：" + "、".join(
                f"{x['date'][5:]}（{x['stores']} 个{'' if x['trip'] else '，不够'}）" for x in d["days"]))
        elif not r.ok:
            out.append("本月还没有走访卖场")
        return out if not r.ok else []
    if r.rule == "cm_plan_cadence":
        return [f"缺少 {p} 的拜访计划" for p in d["missing"]]
    return [f"{item.get('licence') or item['code']} {item['name']}：{item_need(r, item)}" for item in d["short"]]


def item_need(r, item: dict) -> str:
    """What one store or HQ short of a rule still needs, with where to find it."""
    if r.rule in ("mm_hq_visits", "cm_hq_visits"):
        return (f"已预约拜访 {item['visits']} 次，还差 {item['needed']} 次"
                f"（{item['address']}，购销负责人电话 {item['phone']}）")
    what = "没有拜访" if r.rule == "cm_store_coverage" else "没有递交紧俏货源书面告知"
    return f"本月{what}（{item['address']}，{item['phone']}）"


def render_quotas(report, max_lines: int = 30) -> str:
    """A quota report for the terminal: each person's rules, what is short, plan execution."""
    from .quota_check import role_labels

    labels = role_labels()
    rules = report.rules
    out = [f"拜访指标 {report.month}（{rules.source}）"]
    if report.validation is not None and report.validation.unreadable:
        out += [f"✗ {f.file}：无法读取 —— {f.read_error}" for f in report.validation.unreadable]
        return "\n".join(out)
    met = sum(1 for r in report.results if r.ok)
    out.append(f"{len(report.people)} 人，{len(report.results)} 项指标，达标 {met} 项，未达标 {len(report.results) - met} 项")
    for person in report.people:
        mine = report.of(person.name)
        mark = "✓" if all(r.ok for r in mine) else "✗"
        out += ["", f"{mark} {person.name}（{labels[person.role]}）"]
        width = max(len(rules.title(r.rule)) for r in mine) if mine else 0
        for r in mine:
            out.append(f"  {'✓' if r.ok else '✗'} {rules.title(r.rule)}{'　' * (width - len(rules.title(r.rule)))}"
                       f"  {r.actual}/{r.required}")
            lines = shortfall_lines(r)
            for line in lines[:max_lines]:
                out.append(f"      {line}")
            if len(lines) > max_lines:
                out.append(f"      ……还有 {len(lines) - max_lines} 条（用 --out 写出完整明细）")
    out += ["", "计划执行："]
    for e in report.execution:
        out.append(f"  {e.person}：计划 {e.planned} 次，实际拜访 {e.visits} 次，按计划 {e.in_plan} 次"
                   f"（拜访达成率 {pct(e.rate)}），计划外 {e.outside_plan} 次，到期未拜访 {e.not_visited} 次"
                   + (f"，未到期 {e.not_due} 次" if e.not_due else ""))
    if report.warnings:
        out += ["", f"警告（{len(report.warnings)}）："]
        for w in report.warnings[: max_lines * 2]:
            out.append(f"  {w.person} {w.message}")
        if len(report.warnings) > max_lines * 2:
            out.append(f"  ……还有 {len(report.warnings) - max_lines * 2} 条（用 --out 或 --json 查看全部）")
    out += render_meetings(report.meetings, report.rules, max_lines)
    out += _left_out(report.excluded, max_lines)
    out += [f"· {n}" for n in report.notes]
    return "\n".join(out)


MEETING_MARKS = {"ok": "✓", "failed": "✗", "not_due": "○"}


def render_meetings(m, rules, max_lines: int = 30) -> list[str]:
    """The meeting check's lines for the quota report (none when no register was given:
    the report's notes say so)."""
    if m is None:
        return []
    out = ["", f"会议（片区：{'、'.join(m.areas) or '无'}，按{m.area_source}；检查到 {m.today.isoformat()}）："]
    for r in m.results:
        state = "（未到期）" if r.status == "not_due" else ""
        out.append(f"  {MEETING_MARKS[r.status]} {rules.title(r.rule)} {r.area}  {r.actual}/{r.required}{state}")
        if r.message:
            out.append(f"      {r.message}")
    if m.overdue:
        out += ["", f"逾期未完成的会议事项（{len(m.overdue)}）："]
        for x in m.overdue[:max_lines]:
            out.append(f"  {x.message(m.today)}（{x.meeting_date.isoformat()} {x.meeting_type} {x.area} 定的事）")
        if len(m.overdue) > max_lines:
            out.append(f"  ……还有 {len(m.overdue) - max_lines} 条（用 --out 或 --json 查看全部）")
    out += [f"· {n}" for n in m.notes]
    return out


# --- monthly reviews -----------------------------------------------------------------------
def render_monthly(result) -> str:
    """The monthly run for the terminal: the department's month, every customer of the
    report (those without a review marked with their status), and how the total is made up."""
    if result.validation is not None and result.validation.unreadable:
        return "\n".join(f"✗ {f.file}：无法读取 —— {f.read_error}" for f in result.validation.unreadable)
    m = result.market
    out = [f"{result.month} 销售回顾：{len(result.reviews)} 个集团客户，写在 {result.folder}/",
           f"全部门销量 {m['volume']:,.0f} 条（{m['boxes']:,.1f} 箱），环比 {signed_pct(m['mom'])}，"
           f"同比 {signed_pct(m['yoy'])}；销售额 {m['amount']:,.2f} 元", ""]
    out.append(f"{pad('排名', 5)}{pad('客户编码', 9)}{pad('客户名称', 34)}{pad('状态', 7)}{pad('销量(条)', 11, right=True)}"
               f"{pad('环比', 9, right=True)}{pad('同比', 9, right=True)}{pad('达成率', 9, right=True)}  销售回顾")
    written = {r.customer for r in result.reviews}
    for s in sorted(result.customers, key=lambda r: (r["rank"], r["customer"])):
        volume = f"{s['volume']:,.0f}"
        out.append(f"{pad(str(s['rank']), 5)}{pad(s['customer'], 9)}{pad(s['name'] or '—', 34)}{pad(s['status'], 7)}"
                   f"{pad(volume, 11, right=True)}{pad(signed_pct(s['mom']), 9, right=True)}"
                   f"{pad(signed_pct(s['yoy']), 9, right=True)}{pad(pct(s['attainment']), 9, right=True)}  "
                   + ("已写" if s["customer"] in written else "本次没写" if s["review"] else "不写（状态不是正常）"))
    reviewed = [s for s in result.customers if s["customer"] in written]
    others = [s for s in result.customers if s["customer"] not in written]
    d = result.department
    out += ["", f"部门销售报表：{result.report}",
            f"  合计 {d['volume']:,.0f} 条 = {len(reviewed)} 本销售回顾 {sum(s['volume'] for s in reviewed):,.0f} 条"
            + (f" + 其他 {len(others)} 个客户 {sum(s['volume'] for s in others):,.0f} 条" if others else "")]
    if result.internal:
        out.append(f"  内部提示 {len(result.internal)} 条（没有拜访的门店、采集不足等）在报表的“内部提示”页，不发给客户")
    if result.excluded:
        out.append(f"有错误、没有计入的行：{len(result.excluded)} 行（用 gcs validate 查看）")
    out += [f"· {n}" for n in result.notes]
    return "\n".join(out)


# --- mail ----------------------------------------------------------------------------------
def _recipients(letter) -> str:
    """Who a letter goes to in this run, as its headers name them."""
    envelope = {a.lower() for a in letter.envelope}
    copies = [f"{name} <{addr}>" if name else addr for name, addr in letter.cc if addr.lower() in envelope]
    main = letter.to if letter.to.lower() in envelope else ""
    if not main:
        return "只抄送 " + ", ".join(copies)
    return main + (f"，抄送 {', '.join(copies)}" if copies else "")


def render_mail(result) -> str:
    """A `gcs mail` run for the terminal: what went to whom, and every review that did not
    reach someone, with what to do about it."""
    out = []
    if result.mode == "dry-run":
        out.append(f"将发送 {len(result.planned)} 封（没有发送）：")
        out += [f"  {x.customer} {x.name} → {_recipients(x)}（{x.file.name}）" for x in result.planned]
    elif result.mode == "eml":
        out.append(f"写出 {len(result.drafts)} 封邮件草稿到 {result.eml_dir}/（没有发送）")
    else:
        out.append(f"已发送 {len(result.sent) + len(result.resent)} 封，发送记录在 {result.log}")
        out += [f"  ✓ {x.customer} {x.name} → {_recipients(x)}" for x in result.sent + result.resent]
        if result.resent:
            out.append(f"  其中 {len(result.resent)} 封上次状态不明，这次按 --resend-unconfirmed 用相同的 Message-ID 重发"
                       "（收件方可据此去重）")
    if result.already:
        out.append(f"之前已发送、这次跳过 {len(result.already)} 个客户：{'、'.join(result.already)}"
                   f"（要重发请删掉 {result.log.name} 里对应的行）")
    if result.unconfirmed:
        out.append(f"状态不明、这次没有发送 {len(result.unconfirmed)} 封（上次发送时连接断了，没等到服务器确认，可能已经送达）：")
        out += [f"  ? {x.customer} {x.name} → {'、'.join(addresses)}" for x, addresses in result.unconfirmed]
        out.append("  请向收件人确认；确实没收到的，用 --resend-unconfirmed 重发（用同一个 Message-ID，收件方可据此去重）")
    out += [f"没有负责人邮箱，未发送：{code} {name}（请在总部档案里补上负责人邮箱）" for code, name in result.no_address]
    out += [f"总部档案里没有这个客户，未发送：{code} {name}" for code, name in result.unknown]
    out += [f"找不到销售回顾文件，未发送：{code} {name}" for code, name in result.missing_files]
    out += [f"邮件服务器拒收，未送达：{code} {name} {address}（{why}）；再运行一次会重试（只发给还没收到的人）"
            for code, name, address, why in result.refused]
    out += [f"邮件服务器没有接收，未送达：{code} {name}（{why}）；再运行一次会重试" for code, name, why in result.failed]
    if result.interrupted:
        out.append(f"已中断：正在发送的那封已发完并记下，其余的没有发送；再运行一次会接着发（记录在 {result.log.name}）")
    out += [f"· {note}" for note in result.notes]
    return "\n".join(out)


# --- gcs demo ----------------------------------------------------------------------------------
def render_demo(r) -> str:
    """What `gcs demo` made and found, and the commands to try next."""
    from .demo import ANNOTATED_DIR, COPIES_DIR, DRAFTS_DIR
    from .demo.department import SALES_MONTHS
    from .values import shift_month

    out: list[str] = []
    c = r.counts
    out.append(f"示例营销部（{r.month}）已生成在 {r.folder}/：")
    out.append(f"  人员 {c['staff']} 人，集团客户 {c['hq']} 个，卖场 {c['stores']} 个，"
               f"拜访计划 {c['plan']} 条，拜访记录 {c['visits']} 条（品牌采集 {c['observations']} 条），"
               f"销售数据 {c['sales']:,} 行（{SALES_MONTHS} 个月），销售目标 {c['targets']} 条")
    out.append("")
    out.append("标准数据：")
    for p in r.clean:
        out.append(f"  {p}")
    ok = r.clean_report
    out.append(f"  校验结果：{ok.count('error')} 个错误，{ok.count('warning')} 个警告"
               + (" ✓" if not ok.problems else ""))
    out.append("")
    bad = r.mistakes_report
    titles = problem_types()
    out.append(f"错误示例（{len(r.expected)} 处典型错误）：")
    for p in r.mistakes:
        out.append(f"  {p}")
    out.append(f"  校验结果：{bad.count('error')} 个错误，{bad.count('warning')} 个警告 —— "
               + "、".join(f"{titles[k].title} {n}" for k, n in bad.by_code().most_common()))
    out.append(f"  标注副本：{r.folder / ANNOTATED_DIR}/（红色=错误，橙色=警告，第一页“校验结果”可点击跳转）")
    out.append("")
    q = r.quotas
    short = [x for x in q.results if not x.ok]
    out.append(f"拜访指标（{r.month}，按标准数据）：{len(q.people)} 人 {len(q.results)} 项，"
               f"未达标 {len(short)} 项：" + "、".join(f"{x.person}·{q.rules.title(x.rule)} {x.actual}/{x.required}"
                                                  for x in short))
    out.append(f"  指标工作簿：{r.quota_workbook}；拜访记录工作簿的“指标”页用公式实时显示同样的数字")
    meetings = q.meetings
    if meetings is not None:
        failed = [x for x in meetings.results if x.status == "failed"]
        out.append(f"  会议（按会议记录，{len(meetings.areas)} 个片区）：{len(meetings.results)} 项，未达标 {len(failed)} 项"
                   + "".join(f"；{x.message}" for x in failed))
        if meetings.overdue:
            out.append(f"  逾期未完成的会议事项 {len(meetings.overdue)} 条：" + "；".join(
                x.message(meetings.today) for x in meetings.overdue[:3]))
    out.append("")
    if r.scarce is not None:
        out.append(f"紧俏货源（{r.month}）：" + "；".join(
            f"{a.sku} {a.total:,} 条分给 {len(a.stores)} 个卖场（保底 {a.rule.floor} 条，上限 {a.rule.cap} 条）"
            for a in r.scarce.allocations))
        for m in r.scarce.notices.months:
            first, last = m.notices[0].number, m.notices[-1].number
            out.append(f"  书面告知 {len(m.notices)} 份（{first} … {last}）：{m.workbook}"
                       + (f" 和 {m.pdf.name}" if m.pdf else "（装了 LibreOffice 才有 PDF）"))
        out.append("  拜访记录里递交告知的那次拜访写的是告知编号，gcs quotas 按告知登记核对它属于那个卖场")
        out.append("")
    out += _demo_meetings(r)
    m = r.reviews.market
    out.append(f"销售回顾（{r.month}）：{len(r.reviews.reviews)} 个集团客户各一本，在 {r.reviews.folder}/；"
               f"部门销售报表 {r.reviews.report.name}")
    out.append(f"  全部门销量 {m['volume']:,.0f} 条" + (f"，环比 {signed_pct(m['mom'])}" if m["mom"] is not None else ""))
    out.append(f"  邮件草稿：{len(r.drafts.drafts)} 封（抄送客户经理和市场经理），在 {r.folder / DRAFTS_DIR}/，"
               f"可用 Outlook 或 Foxmail 打开")
    out.append("")
    f = r.forecast
    if f is not None and f.series:
        d = f.department()
        marked = sum(1 for s in f.series if s.mark)
        out.append(f"需求预测（{f.month}）：{len(f.series)} 个客户×规格，部门合计约 {d['forecast']:,} 条"
                   f"（80% 区间 {d['low']:,}–{d['high']:,}），过去 6 个月逐月回测的误差 WAPE {pct(d['wape'])}"
                   + (f"，同期法 {pct(d['baseline_wape'])}" if d["baseline_wape"] is not None else "")
                   + (f"；{marked} 个新品或短序列用简单方法" if marked else ""))
        if f.festival.get("months"):
            out.append(f"  春节对齐：在 {'、'.join(f.festival['months'])} 这几个月上回测，按春节对齐的同期法误差 "
                       f"{pct(f.festival['aligned'])}，不对齐 {pct(f.festival['plain'])}")
        out.append(f"  {f.workbook}：每个客户×规格的预测、区间、方法和回测误差，客户经理在“调整后预测”一列写自己的判断")
        out += [f"  · {n}" for n in f.notes]
        out.append("")
    goals = r.targets
    if goals is not None and goals.customers:
        from .targets import seasonality_words
        c = goals.customers[0]
        out.append(f"{goals.year} 年销售目标分解：{c.code} {c.name} 全年 {c.total:,} 条 → 12 个月 "
                   + "/".join(f"{x:,}" for x in c.months) + f"（{seasonality_words(c.season.source)}）")
        out.append(f"  再按近 6 个月的销量分到 {len(c.stores)} 个卖场，每月逐条相加等于当月目标：{goals.output}"
                   + (f"；{c.season.festival_note}" if c.season.festival_note else ""))
        out.append("")
    a = r.application
    if a is not None:
        problems = len(a.report.problems)
        out.append(f"新客户入网：{a.file}（{a.hq['name'] if a.hq else ''}，{len(a.stores)} 个卖场）")
        out.append(f"  现场调研 {a.survey.score} 分（及格 {a.survey.pass_mark:g} 分）；"
                   + ("初审、审批都已同意" if a.approved else "尚未通过审批")
                   + (f"；检查：{problems} 个问题" if problems else "；检查没有问题 ✓"))
        out.append("")
    g = r.merged
    if g is not None:
        out.append(f"客户经理副本（{len({f.file for f in g.files})} 个文件，在 {r.folder / COPIES_DIR}/）合并成 {g.output}：")
        for t in g.templates:
            out.append(f"  {t.sheet}：读入 {t.rows_in:,} = 进入总表 {t.rows_out:,} + 重复删除 {t.duplicates:,} "
                       f"+ 冲突未采用 {t.conflicts_resolved:,} {'✓' if t.balanced else '✗'}")
        kinds = Counter(c.kind for c in g.changes)
        out.append(f"  冲突 {len(g.conflicts)} 处（待定 {len(g.open_conflicts)}）；与标准数据的卖场明细表相比："
                   + "、".join(f"{k} {kinds[k]}" for k in ("新增", "修改", "删除") if kinds[k]))
        out.append("")
    out.append("下一步：")
    out.append(f"  gcs validate {r.folder}/错误示例/*.xlsx {r.folder}/错误示例/*.csv")
    out.append(f"  gcs fix {r.folder}/错误示例/卖场明细表.xlsx --out {r.folder}/卖场明细表_已修正.xlsx")
    register = f" {r.scarce.register}" if r.scarce is not None else ""
    out.append(f"  gcs quotas --month {r.month} {r.folder}/标准数据/*.xlsx{register}")
    out.append(f"  gcs monthly --month {r.month} --out 销售回顾 {r.folder}/标准数据/*")
    out.append(f"  gcs mail --month {r.month} --reports {r.reviews.folder} --dry-run {r.folder}/标准数据/总部档案.xlsx")
    out.append(f"  gcs plan --month {shift_month(r.month, 1)} --all {r.folder}/标准数据/人员名单.xlsx "
               f"{r.folder}/标准数据/总部档案.xlsx {r.folder}/标准数据/卖场明细表.xlsx")
    if r.scarce is not None:
        files = " ".join(f"{r.folder}/标准数据/{n}" for n in ("卖场明细表.xlsx", "总部档案.xlsx", "卷烟规格.xlsx", "销售数据.csv"))
        nxt = shift_month(r.month, 1)
        out.append(f"  gcs allocate --sku 中华(硬) --total 500 --month {nxt} --cap 10 --out 分配_{nxt}.xlsx {files}")
        out.append(f"  gcs notices --allocation 分配_{nxt}.xlsx --out 书面告知")
    if f is not None and f.series:
        std = f"{r.folder}/标准数据"
        out.append(f"  gcs forecast --month {f.month} --out 需求预测_{f.month}.xlsx {std}/销售数据.csv "
                   f"{std}/总部档案.xlsx {std}/卷烟规格.xlsx {std}/卖场明细表.xlsx")
    if goals is not None and goals.customers:
        std = f"{r.folder}/标准数据"
        out.append(f"  gcs targets --year {goals.year} --total {goals.customers[0].total} --customer {goals.customers[0].code} "
                   f"--out 销售目标_{goals.year}.xlsx {std}/总部档案.xlsx {std}/卖场明细表.xlsx {std}/销售数据.csv")
    if r.application is not None:
        std = f"{r.folder}/标准数据"
        out.append(f"  gcs onboard check {r.application.file} --staff {std}/人员名单.xlsx")
        out.append(f"  gcs onboard approve {r.application.file} --into {std}/总部档案.xlsx {std}/卖场明细表.xlsx"
                   f" --staff {std}/人员名单.xlsx  （原文件备份在 {std}/备份/）")
    if r.weekly is not None:
        out.append(f"  gcs weekly --week {r.weekly.week.label} --out 周会材料.xlsx {r.folder}/标准数据/*")
    if r.briefs is not None and r.briefs.briefs:
        out.append(f"  gcs brief --date {r.briefs.date} --person {r.briefs.briefs[0].person} --out 拜访准备.xlsx "
                   f"{r.folder}/标准数据/*")
    if r.symposium is not None:
        std = f"{r.folder}/标准数据"
        out.append(f"  gcs symposium --half {r.symposium.half} --out 座谈会 {std}/总部档案.xlsx {std}/卖场明细表.xlsx "
                   f"{std}/卷烟规格.xlsx {std}/销售数据.csv {std}/销售目标.xlsx")
        out.append(f"  gcs symposium --tally --out 满意度汇总.xlsx {r.symposium.output}/收回的调查表/*.xlsx")
    out.append(f"  gcs merge --out 总表.xlsx --base {r.folder}/标准数据/卖场明细表.xlsx {r.folder}/{COPIES_DIR}/*.xlsx")
    out.append("  gcs templates --out 模板")
    return "\n".join(out)


def _demo_meetings(r) -> list[str]:
    """The demo's weekly meeting pack, the day's visit briefs and the symposium, a few lines each."""
    out: list[str] = []
    w = r.weekly
    if w is not None:
        out.append(f"片区周会材料（{w.week.label}，{w.week.monday} 至 {w.week.sunday}，会议 {w.meeting_date}）：{w.output}")
        out.append(f"  上周拜访发现的问题 {len(w.findings)} 条，其中专卖事项 {len(w.compliance)} 条；"
                   f"下周计划拜访 {len(w.next_week)} 次；会议纪要打印出来签到、记录")
    b = r.briefs
    if b is not None and b.briefs:
        people = Counter(x.person for x in b.briefs)
        out.append(f"拜访准备（{b.date}，计划拜访最多的一天）：{len(b.briefs)} 页，{len(people)} 人：{b.output}")
        out.append("  每次拜访一页 A4：近 3 个月销量和走势、畅销和下滑的规格、紧俏货源和该递交的告知、上次发现的问题、带齐的物品")
    s, t = r.symposium, r.tally
    if s is not None:
        out.append(f"半年座谈会（{s.half.words}）：{len(s.customers)} 个客户的半年小结，邀请 {len(s.invitees)} 家总部，"
                   f"满意度调查表 {len(s.invitees)} 份：{s.output}")
        if t is not None:
            scored = [t.by_question[q.id] for q in t.settings.scored]
            means = [x.mean for x in scored if x.mean is not None]
            out.append(f"  收回 {len(t.forms)} 份（示例里填好的）汇总：{t.output}"
                       + (f"；各题平均分 {min(means):.2f}–{max(means):.2f}" if means else "")
                       + (f"；{len(t.problems)} 处没填或填错，已列出" if t.problems else ""))
    return out + [""] if out else out


def render_merge(result, max_lines: int = 20) -> str:
    """What `gcs merge` did: the conservation check per template, conflicts, notes."""
    from pathlib import Path

    out = [f"合并了 {len({f.file for f in result.files})} 个文件 → {result.output}"]
    for t in result.templates:
        mark = "✓" if t.balanced else "✗ 不符"
        base = f"，另沿用基准 {t.from_base:,} 行" if t.from_base else ""
        out.append(f"  {t.sheet}：读入 {t.rows_in:,} = 进入总表 {t.rows_out:,} + 重复删除 {t.duplicates:,} "
                   f"+ 冲突未采用 {t.conflicts_resolved:,} {mark}（总表 {t.master_rows:,} 行{base}）")
    errors = sum(f.errors for f in result.files)
    hidden = sum(f.hidden for f in result.files)
    if errors or hidden:
        out.append(f"有错误的行 {errors:,} 行、隐藏行 {hidden:,} 行：都已进入总表，在“合并标记”列注明"
                   f"（错误详情用 gcs validate 查看）")
    pending = result.open_conflicts
    if result.conflicts:
        out.append(f"冲突 {len(result.conflicts)} 处（同一个键、不同的值），其中待定 {len(pending)} 处，见总表的「冲突」表：")
        for c in result.conflicts[:max_lines]:
            where = "、".join(f"{Path(r.source.file).name}第{r.source.row}行" for r in c.candidates)
            out.append(f"  {c.number}. {c.template} {c.key}：{'、'.join(c.fields)} 不同（{where}）—— {c.status}")
        if len(result.conflicts) > max_lines:
            out.append(f"  ……另有 {len(result.conflicts) - max_lines} 处")
    if result.base:
        kinds = Counter(c.kind for c in result.changes)
        out.append(f"与基准 {result.base} 相比：" + ("、".join(f"{k} {kinds[k]}" for k in ("新增", "修改", "删除") if kinds[k])
                                                 or "没有变化") + "（修改按单元格计），见「变更」表")
    for note in result.notes:
        out.append(f"· {note}")
    return "\n".join(out)


# --- scarce-supply allocation --------------------------------------------------------------
def render_allocation(result, max_lines: int = 30) -> str:
    """An allocation for the terminal: the parameters, each customer's quantity, what was
    left out and why; the stores one by one are in the workbook."""
    rule = result.rule
    basis = {"sales": f"上月（{result.source_month}）销量", "monthly_volume": "卖场明细表的月销量"}[result.basis_used]
    cap = f"上限 {rule.cap} 条" if rule.cap is not None else "不封顶"
    out = [f"紧俏货源分配 {result.sku} {result.month}：{len(result.stores)} 个卖场共 {result.total} 条"
           f"（保底 {rule.floor} 条，{cap}，按{basis}；规则 {rule.version}）"]
    if result.capped:
        out.append(f"{result.capped} 个卖场按上限分配")
    out += ["", f"{pad('客户编码', 10)}{pad('客户名称', 30)}{pad('卖场数', 8, right=True)}"
                f"{pad('分配数量(条)', 14, right=True)}{pad('占总量', 9, right=True)}"]
    groups = result.summary("customer")
    for g in groups[:max_lines]:
        out.append(f"{pad(g['key'], 10)}{pad(g['name'], 30)}{pad(str(g['stores']), 8, right=True)}"
                   f"{pad(str(g['quantity']), 14, right=True)}{pad(pct(g['share']), 9, right=True)}")
    if len(groups) > max_lines:
        out.append(f"……还有 {len(groups) - max_lines} 个客户（见工作簿的“按客户汇总”）")
    if result.not_eligible:
        out.append(f"\n{len(result.not_eligible)} 个卖场状态不是正常（或所属总部不是正常），不参与分配")
    out += [f"注意：{w}" for w in result.warnings]
    out += _left_out(result.excluded, max_lines)
    out += [f"· {n}" for n in result.notes]
    if result.output:
        out.append(f"已写出 {result.output}（{'、'.join(result.sheets)}）")
    return "\n".join(out)


# --- written notices -----------------------------------------------------------------------
def render_notices(result) -> str:
    """The notices run for the terminal: per month the numbers issued, kept and voided, the
    files written, the stores allotted nothing, the rows left out."""
    out = []
    for m in result.months:
        start, end = m.window
        out.append(f"{m.month} 紧俏货源告知：{len(m.notices)} 份有效（新编 {len(m.issued)}，沿用 {len(m.kept)}，"
                   f"作废 {len(m.voided)}），订货窗口 {start} 至 {end}")
        if m.issued:
            out.append(f"  新编号：{m.issued[0]}" + (f" … {m.issued[-1]}" if len(m.issued) > 1 else ""))
        if m.voided:
            out.append(f"  作废：{'、'.join(m.voided)}")
        if m.unallotted:
            out.append(f"  分到 0 条、没有告知书的卖场（{len(m.unallotted)}）："
                       + "、".join(f"{u.licence} {u.name}" for u in m.unallotted))
        out.append(f"已写出 {m.workbook}" + (f" 和 {m.pdf}" if m.pdf else ""))
        out += [f"· {n}" for n in m.notes]
    out += _left_out(result.excluded, 30, "没有出告知书")
    out += [f"· {n}" for n in result.notes]
    return "\n".join(out)


# --- gcs onboard ---------------------------------------------------------------------------
def render_onboard_check(result, max_problems: int = 100) -> str:
    """An application checked: documents, survey score, approval steps, then the problems
    as gcs validate lists them."""
    from .onboarding.review import MISSING

    out = [f"入网申报表 {result.file}：" + ("两步审批都已同意" if result.approved else "尚未通过审批"), "", "证照："]
    width = max(display_width(d.document) for d in result.documents) + 2 if result.documents else 0
    for d in result.documents:
        mark = "✗" if d.status == MISSING else "✓"
        out.append(f"  {mark} {pad(d.document, width)}{d.status}{'：' + d.detail if d.detail else ''}")
    s = result.survey
    score = "未评完" if s.score is None else f"{s.score:g} 分（{'合格' if s.passed else '不合格'}）"
    out += ["", f"现场调研：{score}，及格线 {s.pass_mark:g} 分（百分制）"]
    for item in s.items:
        got = "未打分" if item["score"] is None else f"{item['score']:g}"
        out.append(f"  {item['item']}：{got} / {item['weight']:g}")
    out += ["", "审批："]
    for st in result.steps:
        signed = "、".join(show(x) for x in (st.approver, st.date, st.opinion) if x) or "未签署"
        out.append(f"  {'✓' if st.agreed else '✗'} {st.step}：{signed}" + (f"（{st.comment}）" if st.comment else ""))
    out += ["", render_validation(result.report, max_problems)]
    return "\n".join(out)


def render_onboard_approve(result) -> str:
    """An approved customer taken into the files: its code, the rows added, the backups."""
    out = [f"已入网：{result.name}，客户编码 {result.code}，{result.stores} 个卖场，入网日期 {result.joined}"]
    for o in result.outputs:
        out.append(f"  {o['file']}「{o['sheet']}」：从第 {o['first_row']} 行起追加 {o['added']} 行；原文件备份在 {o['backup']}")
    out.extend(f"· {n}" for n in result.notes)
    return "\n".join(out)


# --- sales targets (gcs targets) ----------------------------------------------------------
def render_targets(result, max_lines: int = 30) -> str:
    """A breakdown for the terminal: per customer the year's total, where the seasonality
    came from and the 12 months; the stores one by one are in the workbook."""
    from .targets import seasonality_words

    total = sum(c.total for c in result.customers)
    window = f"，卖场按 {result.window[0]} 至 {result.window[1]} 的销量" if result.window else ""
    out = [f"{result.year} 年销售目标：{len(result.customers)} 个客户共 {total:,} 条{window}", ""]
    head = "".join(pad(f"{m}月", 7, right=True) for m in range(1, 13))
    out.append(f"{pad('客户编码', 10)}{pad('年度目标', 10, right=True)}{head}")
    for c in result.customers[:max_lines]:
        out.append(f"{pad(c.code, 10)}{pad(f'{c.total:,}', 10, right=True)}"
                   + "".join(pad(str(x), 7, right=True) for x in c.months))
        out.append(f"  {c.name}（{c.manager}）：{len(c.stores)} 个卖场，{seasonality_words(c.season.source)}"
                   + (f"；{c.season.festival_note}" if c.season.festival_note else ""))
    out += _closing(result, max_lines)
    return "\n".join(out)


def _closing(result, max_lines: int) -> list[str]:
    """The end of a targets run for the terminal: customers not shown, warnings, rows left
    out, notes, and what was written (with its sheets when the result names them)."""
    out = []
    if len(result.customers) > max_lines:
        out.append(f"……还有 {len(result.customers) - max_lines} 个客户（见工作簿）")
    out += [f"注意：{w}" for w in result.warnings]
    out += _left_out(result.excluded, max_lines)
    out += [f"· {n}" for n in result.notes]
    if result.output:
        sheets = getattr(result, "sheets", None)
        out.append(f"已写出 {result.output}" + (f"（{'、'.join(sheets)}）" if sheets else ""))
    return out


def _left_out(excluded, max_lines: int, what: str = "没有计入") -> list[str]:
    """The rows a command left out for their errors: the first max_lines, and how many more."""
    if not excluded:
        return []
    out = ["", f"有错误、{what}的行（{len(excluded)}，用 gcs validate 查看详情）："]
    out += [f"  {x.file} 「{x.sheet}」第 {x.row} 行：{x.reasons[0] if x.reasons else ''}" for x in excluded[:max_lines]]
    if len(excluded) > max_lines:
        out.append(f"  ……还有 {len(excluded) - max_lines} 行")
    return out


def render_target_progress(result, max_lines: int = 40) -> str:
    """The year's progress for the terminal: per customer manager, then per customer with
    what each remaining month needs; behind pace marked."""
    out = [f"销售目标进度（1 月至 {result.month}）：{len(result.customers)} 个客户，"
           f"{sum(c.behind for c in result.customers)} 个落后进度（实际低于按季节计划应完成的 "
           f"{result.settings.behind_pace:.0%}）", ""]
    out.append(f"{pad('客户经理', 12)}{pad('客户数', 8, right=True)}{pad('落后', 6, right=True)}"
               f"{pad('计划至今', 12, right=True)}{pad('实际至今', 12, right=True)}{pad('完成率', 9, right=True)}"
               f"{pad('全年还差', 12, right=True)}")
    for m in result.managers:
        out.append(f"{pad(m.manager, 12)}{pad(str(m.customers), 8, right=True)}{pad(str(m.behind), 6, right=True)}"
                   f"{pad(f'{m.plan_to_date:,}', 12, right=True)}{pad(f'{m.actual_to_date:,.0f}', 12, right=True)}"
                   f"{pad(pct(m.attainment), 9, right=True)}{pad(f'{m.left:,.0f}', 12, right=True)}")
    out += ["", f"{pad('客户编码', 10)}{pad('客户经理', 10)}{pad('计划至今', 12, right=True)}"
                f"{pad('实际至今', 12, right=True)}{pad('完成率', 9, right=True)}{pad('进度', 8, right=True)}"
                "  之后每月要完成"]
    for c in result.customers[:max_lines]:
        need = "、".join(f"{int(m[5:])}月 {x:,}" for m, x in zip(c.remaining_months, c.need)) or "—"
        out.append(f"{pad(c.code, 10)}{pad(c.manager, 10)}{pad(f'{c.plan_to_date:,}', 12, right=True)}"
                   f"{pad(f'{c.actual_to_date:,.0f}', 12, right=True)}{pad(pct(c.attainment), 9, right=True)}"
                   f"{pad('落后' if c.behind else '正常', 8, right=True)}  {need}")
    out += _closing(result, max_lines)
    return "\n".join(out)


# --- gcs forecast (issue 11, section 1) ---------------------------------------------------
def render_forecast(result, max_lines: int = 30) -> str:
    """A forecast for the terminal: the department, each customer, the marked series, the risks."""
    d = result.department()
    out = [f"需求预测 {result.month}：{len(result.series)} 个客户×规格，部门合计 {d['forecast']:,} 条"
           f"（80% 区间 {d['low']:,}–{d['high']:,}）；回测 WAPE {pct(d['wape'])}，同期法 {pct(d['baseline_wape'])}",
           "", f"{pad('客户编码', 10)}{pad('客户名称', 30)}{pad('预测(条)', 10, right=True)}{pad('WAPE', 8, right=True)}"
               f"{pad('同期法', 8, right=True)}"]
    customers = result.customers()
    for c in customers[:max_lines]:
        out.append(f"{pad(c['customer'], 10)}{pad(result.names.get(c['customer'], ''), 30)}"
                   f"{pad(format(c['forecast'], ','), 10, right=True)}"
                   f"{pad(pct(c['wape']), 8, right=True)}{pad(pct(c['baseline_wape']), 8, right=True)}")
    if len(customers) > max_lines:
        out.append(f"……还有 {len(customers) - max_lines} 个客户（见工作簿的“按客户汇总”）")
    marked: dict[str, int] = {}
    for s in result.series:
        if s.mark:
            marked[s.mark] = marked.get(s.mark, 0) + 1
    if marked:
        out.append("用简单方法的：" + "，".join(f"{k} {v} 个" for k, v in marked.items()))
    if result.festival.get("months"):
        out.append(f"春节对齐的检验（{'、'.join(result.festival['months'])}）：对齐 {pct(result.festival['aligned'])}，"
                   f"不对齐 {pct(result.festival['plain'])}")
    if result.risks:
        out.append(f"常销品牌断货风险（{len(result.risks)}）：")
        out += [f"  {r['customer']} {r['sku']}：{r['why']}" for r in result.risks[:max_lines]]
        if len(result.risks) > max_lines:
            out.append(f"  ……还有 {len(result.risks) - max_lines} 个（见工作簿的“常销品牌断货风险”）")
    if result.excluded:
        out.append(f"有错误、没有计入的行：{len(result.excluded)}（用 gcs validate 查看详情）")
    out += [f"· {n}" for n in result.notes]
    if result.workbook:
        out.append(f"已写出 {result.workbook}")
    return "\n".join(out)


def render_forecast_check(result, max_lines: int = 30) -> str:
    """gcs forecast --check for the terminal: 预测准确率 per manager and customer, and whether adjusting helped."""
    def helped(g) -> str:
        if g["adjustments_helped"] is None:
            return "未调整"
        return f"调整 {g['adjusted_rows']} 行，" + ("调整后更准" if g["adjustments_helped"] else "调整后没有更准")
    d = result.department()
    out = [f"预测检查 {result.month}（{result.workbook.name}）：部门预测准确率 {pct(d.get('accuracy'))}，"
           f"调整后 {pct(d.get('adjusted_accuracy'))}；{helped(d) if d else ''}", "", "按客户经理："]
    for g in result.groups("manager"):
        out.append(f"  {pad(g['manager'], 10)}准确率 {pad(pct(g['accuracy']), 7, right=True)}，"
                   f"调整后 {pad(pct(g['adjusted_accuracy']), 7, right=True)}；{helped(g)}")
    out += ["", "按客户："]
    customers = result.groups("customer")
    for g in customers[:max_lines]:
        out.append(f"  {pad(g['customer'], 10)}{pad(g['name'], 30)}准确率 {pad(pct(g['accuracy']), 7, right=True)}，"
                   f"调整后 {pad(pct(g['adjusted_accuracy']), 7, right=True)}；{helped(g)}")
    if len(customers) > max_lines:
        out.append(f"  ……还有 {len(customers) - max_lines} 个客户（--json 看全部）")
    out += [f"· {n}" for n in result.notes]
    if result.output:
        out.append(f"已写出 {result.output}")
    return "\n".join(out)
# --- end gcs forecast ----------------------------------------------------------------------


# --- gcs weekly (issue 12, section 2) -----------------------------------------------------
def render_weekly(result, max_lines: int = 20) -> str:
    """The weekly meeting's pack for the terminal: each section in a few lines."""
    from .quota_check import role_labels
    from .weekly_pack import STATUS_WORDS

    wk, nxt = result.week, result.week.next
    done, total = result.workdays
    out = [f"片区周会材料 {wk.label}（{wk.monday} 至 {wk.sunday}）{result.area or '全部片区'}，"
           f"会议日期 {result.meeting_date}"]
    out += [f"· {n}" for n in result.notes]
    out += [f"注意：{w}" for w in result.warnings]
    behind = [c for c in result.customers if c.status == "behind"]
    out += ["", f"客户销售（{result.month} 本月至今，工作日已过 {done}/{total}）：{len(result.customers)} 个客户，"
                f"{len(behind)} 个落后于目标进度"]
    for c in result.customers[:max_lines]:
        mtd = "—" if c.month_to_date is None else f"{c.month_to_date:,.0f}"
        target = "无目标" if c.target is None else f"目标 {c.target:,.0f}，应达 {c.pace:,.0f}"
        out.append(f"  {pad(c.code, 8)}{pad(c.name, 34)}本月至今 {pad(mtd, 8, right=True)}  {target}"
                   f"  {pct(c.attainment)}  {STATUS_WORDS[c.status]}")
    if len(result.customers) > max_lines:
        out.append(f"  ……还有 {len(result.customers) - max_lines} 个客户")
    out += ["", f"上周拜访发现的问题：{len(result.findings)} 条"]
    for f in result.findings[:max_lines]:
        out.append(f"  {f.customer} {f.date} {f.person} {f.name or f.code}：{f.text}")
    if len(result.findings) > max_lines:
        out.append(f"  ……还有 {len(result.findings) - max_lines} 条（见 --out 工作簿或 --json）")
    out += ["", f"专卖事项：{len(result.compliance)} 条"]
    for f in result.compliance[:max_lines]:
        out.append(f"  {f.date} {f.licence or '总部 ' + f.code} {f.name}：{f.text}（{'、'.join(f.keywords)}）")
    labels = role_labels()
    report = result.quotas
    unmet = [r for r in report.results if not r.ok]
    out += ["", f"拜访指标（{result.month}，到 {result.until}）：{len(report.results)} 项，{result.unmet_word} {len(unmet)} 项"]
    for r in unmet[:max_lines]:
        out.append(f"  {r.person}（{labels[r.role]}）{report.rules.title(r.rule)} {r.actual}/{r.required}")
    if len(unmet) > max_lines:
        out.append(f"  ……还有 {len(unmet) - max_lines} 项")
    per_person = Counter(p.person for p in result.next_week)
    out += ["", f"下周拜访安排（{nxt.label}，{nxt.monday} 至 {nxt.sunday}）：{len(result.next_week)} 次"
            + ("：" + "，".join(f"{k} {v} 次" for k, v in sorted(per_person.items())) if per_person else "")]
    out += _left_out(result.excluded, max_lines)
    if result.output:
        out.append(f"已写出 {result.output}")
    return "\n".join(out)
# --- end gcs weekly -----------------------------------------------------------------------


# --- gcs symposium (issue 12, section 3) --------------------------------------------------
def render_symposium(result, max_lines: int = 30) -> str:
    """A symposium pack for the terminal: per customer the half's volume with 环比 and 同比
    and the target attainment; the pages themselves are in the workbook."""
    from .symposium_pack import month_span

    invited = {i.code for i in result.invitees}
    paused = [c.code for c in result.customers if c.code not in invited]     # a page, but no invitation
    out = [f"{result.half.words}集团客户座谈会：{len(result.customers)} 个客户的小结，邀请 {len(result.invitees)} 家总部"
           + (f"（{'、'.join(paused)} 状态不是正常，有小结、不邀请、不发调查表）" if paused else ""),
           f"本期 {month_span(result.months)}，上期 {month_span(result.previous_months)}，"
           f"去年同期 {month_span(result.last_year_months)}", ""]
    out.append(f"{pad('客户编码', 10)}{pad('客户经理', 10)}{pad('销量(条)', 12, right=True)}{pad('环比', 9, right=True)}"
               f"{pad('同比', 9, right=True)}{pad('目标达成', 10, right=True)}")
    for c in result.customers[:max_lines]:
        out.append(f"{pad(c.code, 10)}{pad(c.cm, 10)}{pad(f'{c.volume.this:,.0f}', 12, right=True)}"
                   f"{pad(pct(c.volume.vs_previous), 9, right=True)}{pad(pct(c.volume.vs_last_year), 9, right=True)}"
                   f"{pad(pct(c.attainment), 10, right=True)}")
    out += _closing(result, max_lines)
    if result.files:
        out.append(f"（{len(result.files) - 1} 份满意度调查表在 {result.files[-1].parent}）")
    return "\n".join(out)


def render_tally(result) -> str:
    """The satisfaction tally for the terminal: per question, per customer manager, the
    comments, then every problem with its cell (as gcs validate lists them)."""
    out = [f"满意度调查汇总：{len(result.forms)} 份调查表", ""]
    out.append(f"{pad('问题', 16)}{pad('有效', 6, right=True)}{pad('平均分', 8, right=True)}{pad('未答', 6, right=True)}"
               f"{pad('无效', 6, right=True)}  分布")
    scored = result.settings.scored

    def line(label, s):
        mean = "—" if s.mean is None else f"{s.mean:.2f}"
        dist = " ".join(f"{k}分×{n}" for k, n in s.distribution.items() if n)
        return (f"{pad(label, 16)}{pad(str(s.count), 6, right=True)}{pad(mean, 8, right=True)}"
                f"{pad(str(s.blank), 6, right=True)}{pad(str(s.invalid), 6, right=True)}  {dist}")

    out += [line(q.label, result.by_question[q.id]) for q in scored]
    for m, per in result.by_manager.items():
        out += ["", f"客户经理 {m}："] + ["  " + line(q.label, per[q.id]) for q in scored]
    if result.comments:
        out += ["", "意见和建议："] + [f"  {c}（{n}）：{t}" for c, n, _, t in result.comments]
    out += [f"无法读取：{f} —— {why}" for f, why in result.unreadable]
    if result.problems:
        out += ["", f"问题（{len(result.problems)}）："]
        for p in result.problems:
            first, *rest = _problem_line(p)
            out += [f"  {p.file} {first.lstrip()}", *rest]
    if result.output:
        out.append(f"已写出 {result.output}")
    return "\n".join(out)
# --- end gcs symposium ---------------------------------------------------------------------


# --- gcs brief -----------------------------------------------------------------------------
def render_brief(result, max_lines: int = 40) -> str:
    """The day's briefs for the terminal: a line per visit (trend, notice, problem to follow
    up), what was written; nothing planned is one line saying which days are."""
    from .visit_brief import KIND_WORDS

    day = f"{result.date.month}月{result.date.day}日"
    if not result.briefs:
        if result.person is None:
            return f"{result.date} 拜访计划里这一天没有人计划拜访，没有写出工作簿"
        days = "、".join(f"{d.day}日" for d in result.planned_days)
        month = f"{result.date.month}月"
        where = f"{month}计划拜访的日子：{days}" if days else f"拜访计划里{month}没有这个人的计划"
        return f"{result.date} {result.person}没有计划拜访，没有写出工作簿（{where}）"
    people = Counter(b.person for b in result.briefs)
    out = [f"{result.date} 拜访准备：{len(result.briefs)} 次拜访（" + "、".join(f"{p} {n}" for p, n in people.items()) + "）"]
    for k, b in enumerate(result.briefs[:max_lines], start=1):
        out.append(f"  {k:>2}. {pad(b.person, 8)}{KIND_WORDS[b.kind]} {b.code} {b.name}")
        facts = [f"趋势：{b.trend}" if b.trend else "", f"告知：{b.notice}" if b.notice else ""]
        if b.problem is not None:
            facts.append(f"上次问题：{b.problem.issues}" + ("（已跟进）" if b.follow_ups else "（尚未跟进）"))
        out += [f"      {f}" for f in facts if f]
    if len(result.briefs) > max_lines:
        out.append(f"  ……还有 {len(result.briefs) - max_lines} 次（见工作簿）")
    if result.prices is None:
        out.append("· 没有给出上次的卷烟规格（--previous-catalogue），未比较价格变化")
    else:
        out.append(f"· 价格变化（与 {result.previous_catalogue} 相比）：{len(result.prices)} 项")
    out += _left_out(result.excluded, max_lines)
    out += [f"· {n}" for n in result.notes]
    if result.output:
        out.append(f"已写出 {result.output}（{day}每次拜访一页 A4）")
    return "\n".join(out)
# --- end gcs brief -------------------------------------------------------------------------
