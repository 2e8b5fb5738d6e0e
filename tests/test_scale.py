"""The same speed at every size: costs that grow linearly with the data, counted in lines of
our code executed (not seconds, which depend on the machine and its load), and the fast
paths of validation giving exactly what the plain per-cell check gives."""

from __future__ import annotations

import datetime as dt
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcs_excel.checks.cells import CellChecker
from gcs_excel.dept import department_from_rows
from gcs_excel.planner import Planner, PlanResult
from gcs_excel.quota_check import QuotaReport, compute
from gcs_excel.readers.ahead import ahead
from gcs_excel.rules import load_rules
from gcs_excel.spec import load_specs
from gcs_excel.validation import _check_column

from .conftest import MONTH, ROOT, TODAY

PACKAGE = str(ROOT / "gcs_excel")


def lines_run(fn) -> int:
    """How many lines of gcs_excel fn() executes: an operation count (every loop
    iteration, comprehensions included, is at least one line)."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(PACKAGE) else None

    sys.settrace(calls)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def department(managers: int, stores_each: int) -> dict[str, list[dict]]:
    """managers customer managers (one market manager per four of them), each with
    stores_each stores in stores_each // 10 HQs, as rows of labels by field id."""
    label = load_specs().label
    cms = [f"客户经理{k}" for k in range(managers)]
    mms = [f"市场经理{k}" for k in range((managers + 3) // 4)]
    staff = [{"name": n, "role": label("staff", "role", "mm")} for n in mms]
    staff += [{"name": n, "role": label("staff", "role", "cm")} for n in cms]
    hqs, stores = [], []
    for m, cm in enumerate(cms):
        for h in range(max(stores_each // 10, 1)):
            code = f"JT{m:03d}{h:03d}"
            hqs.append({"code": code, "name": f"连锁{code}", "address": "长沙市芙蓉区五一大道1号", "buyer_phone": "13907311234",
                        "mm": mms[m // 4], "cm": cm, "status": label("hq", "status", "active")})
        for s in range(stores_each):
            stores.append({"licence": f"4301022{m:03d}{s:03d}", "customer": hqs[-1 - s % max(stores_each // 10, 1)]["code"],
                           "name": f"门店{m}-{s}", "address": f"长沙市芙蓉区{('五一大道', '八一路')[s % 2]}{s}号",
                           "area": "芙蓉片区", "phone": "13907311234", "monthly_volume": 100 + 7 * s % 600, "cm": cm,
                           "status": label("stores", "status", "active")})
    return {"staff": staff, "hq": hqs, "stores": stores}


def plan_all(tables: dict):
    """What `gcs plan --all` computes and reports, on records (the department is built first)."""
    dept, rules = department_from_rows(tables), load_rules()

    def run():
        planner = Planner(dept, MONTH, rules)
        people = dept.roster()
        result = PlanResult(MONTH, [r for p in people for r in planner.plan(p)], people=[p.name for p in people])
        assert all(result.count(p) for p in result.people)
    return run


def quotas(tables: dict):
    """What `gcs quotas` computes, on records: the month's plan, followed."""
    dept, rules = department_from_rows(tables), load_rules()
    planner = Planner(dept, MONTH, rules)
    rows = [r for p in dept.roster() for r in planner.plan(p)]
    visits = [{**r, "appointment": r["appointment"] or "否", "scarce_notice": "是"} for r in rows]
    done = department_from_rows({**tables, "plan": rows, "visits": visits})
    return lambda: compute(done, MONTH, rules, TODAY, QuotaReport(MONTH, rules))


# 8 x the data: about 8 x the work (a little less, the fixed part being spread); a step
# that is quadratic in it (looking through all stores for each person, or through a
# person's rows for each of his HQs) made it 14-16 x.
SIZES = {"people": ((4, 40), (32, 40)), "stores of each person": ((4, 40), (4, 320))}


@pytest.mark.parametrize("grows", SIZES)
@pytest.mark.parametrize("command", [plan_all, quotas], ids=["plan", "quotas"])
def test_plan_and_quotas_cost_grows_linearly(command, grows):
    small, large = SIZES[grows]
    assert lines_run(command(department(*large))) / lines_run(command(department(*small))) < 10


# --- the fast paths of validation --------------------------------------------------------
def plain(raws, check):
    """The per-cell check the fast paths must agree with."""
    results = [(None, ()) if r in ("", None) else check(r) for r in raws]
    return ([v for v, _ in results], [(i, f) for i, (_, f) in enumerate(results) if f],
            [i for i, r in enumerate(raws) if r in ("", None)])


def field(sheet: str, field_id: str):
    return load_specs().sheet(sheet).field(field_id)


TYPED = st.sampled_from(["430102200045", "43010220004", "４３０１０２２０００４５", " 430102200045", "430102200045\n",
                         "门店", " 门店 ", "正常", "暂停", "正 常", "2026-10", "2026/10", "12", "１２", "-3", "1.5",
                         "13907311234", "0731-84561234", "1390731123", "", "   "])
CELLS = st.one_of(TYPED, TYPED, st.none(), st.floats(allow_nan=False, allow_infinity=False, width=32),
                  st.integers(-5, 5), st.booleans(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))


@settings(max_examples=150, deadline=None)
@given(column=st.lists(CELLS, max_size=60), distinct=st.booleans(),
       which=st.sampled_from([("stores", "licence"), ("stores", "name"), ("stores", "status"), ("stores", "phone"),
                              ("stores", "monthly_volume"), ("targets", "month"), ("hq", "uscc"), ("plan", "date"),
                              ("catalogue", "retail_guide")]))
def test_column_checks_agree_with_checking_every_cell(column, distinct, which):
    """Checked once per distinct value or row by row (columns that are nearly all
    distinct), the result is the plain per-cell check's."""
    if distinct:        # make most values differ, as in a column of names or licences
        column = [f"{v}{i}" if isinstance(v, str) and v.strip() else v
                  for i, v in enumerate((column or [""]) * (150 // max(len(column), 1) + 1))]
    check = CellChecker(field(*which), today=TODAY)
    assert _check_column(column, check) == plain(column, check)


# --- working a step ahead --------------------------------------------------------------------
def test_ahead_keeps_order_and_holds_at_most_depth_items_beyond_the_callers():
    made: list[int] = []

    def items():
        for k in range(6):
            made.append(k)
            yield k

    for depth in (1, 2):
        made.clear()
        for k in ahead(items(), depth=depth):
            time.sleep(0.02)                # the thread has time to run ahead, and must not
            assert len(made) <= k + 1 + depth
        assert made == list(range(6))
    assert list(ahead(iter(range(100)), depth=3)) == list(range(100))


def test_ahead_raises_in_place_and_stops_when_the_caller_does():
    def failing():
        yield 1
        raise ValueError("第二个坏了")

    got = []
    with pytest.raises(ValueError, match="第二个坏了"):
        for k in ahead(failing()):
            got.append(k)
    assert got == [1]

    closed = threading.Event()

    def endless():
        try:
            k = 0
            while True:
                yield k
                k += 1
        finally:
            closed.set()

    for k in ahead(endless()):
        if k == 3:
            break
    assert closed.wait(5)
