"""RFM names the data can support: running subscriptions, new and churned customers.

Ten accounts as of 2025-12-31, every number below worked out by hand (see the table
in each test). Monthly subscriptions bill on their start's day of the month; the
transition matrix starts 90 days earlier, on 2025-10-02.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from rashinban import Workspace, init_workspace, open_workspace
from rashinban.cli import app
from rashinban.importing import load_frames
from rashinban.pipeline import analyze
from rashinban.report import write_report
from rashinban.value import rfm_report

from ._company import company_tables

AS_OF = dt.date(2025, 12, 31)
LAPSE_NAMES = {"lost", "hibernating", "at_risk", "cant_lose", "need_attention"}


def _tables() -> dict[str, pd.DataFrame]:
    subs = [  # (account, started_at, ended_at): ended_at is the first day without service
        ("A01", "2023-01-05", None),  # 36 billings, the last on 12-05
        ("A02", "2023-06-20", None),  # 31, last 12-20, and an order on the as-of date
        ("A03", "2024-03-28", None),  # 22, last 12-28
        ("A04", "2025-04-15", None),  # 9, last 12-15
        ("A05", "2025-12-02", None),  # signed 29 days ago: one billing
        ("A06", "2024-01-10", "2025-06-10"),  # 17 billings, the last 2025-05-10: churned
        ("A07", "2024-05-01", "2025-11-15"),  # 19 billings, then an order on 12-20
    ]
    orders = [
        ("A02", "2025-12-31"),
        ("A07", "2025-12-20"),  # bought after the subscription ended: not churned
        ("A08", "2025-11-01"),  # first purchase 60 days ago
        ("A09", "2024-03-01"),
        ("A09", "2024-06-01"),  # long gone, orders only
        ("A10", "2025-08-01"),
        ("A10", "2025-09-15"),
        ("A10", "2025-10-30"),
    ]
    return company_tables(subs, [(a, d, 50000.0) for a, d in orders], mrr=10000.0)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(Path(tmp_path_factory.mktemp("lifecycle")) / "ws")
    load_frames(ws, _tables())
    return ws


def test_each_customer_is_named_by_what_the_data_supports(ws: Workspace) -> None:
    result = rfm_report(ws.backend(), AS_OF)
    got = result.customers.set_index("account_id")
    # R is the quantile of days since the last purchase among the ten (26, 0, 3, 16, 29,
    # 235, 11, 60, 578, 62 days): 1 + ⌊5 × (customers with more days) / 10⌋; F likewise
    # on purchase days (36, 32, 22, 9, 1, 17, 20, 1, 2, 3). The usual interval is the
    # median of (last − first) / (F − 1) over repeat buyers: of 29.84, 30.375, 30.43,
    # 30.48, 30.5, 31.47, 45 and 92 days, (30.48 + 30.5) / 2 → 31 days.
    expected = {
        #      R  F  basis            segment       (scores alone would say)
        "A01": (3, 5, "subscribed", "champions"),  # loyal
        "A02": (5, 5, "subscribed", "champions"),
        "A03": (5, 4, "subscribed", "champions"),
        "A04": (4, 3, "subscribed", "loyal"),
        "A05": (3, 1, "subscribed", "new"),  # need_attention, 29 days after signing
        "A06": (1, 3, "ended", "churned"),  # at_risk, though every subscription ended
        "A07": (4, 4, "recent", "champions"),  # 11 days since the last order ≤ 31
        "A08": (2, 1, "first_purchase", "new"),  # hibernating, 60 days after a first order
        "A09": (1, 2, "scores", "lost"),
        "A10": (2, 2, "scores", "hibernating"),  # 62 days > 31, first order 152 days ago
    }
    for account, (r, f, basis, segment) in expected.items():
        row = got.loc[account]
        assert (row["R"], row["F"], row["basis"], row["segment"]) == (r, f, basis, segment), account
    assert got.loc["A06", "segment_ja"] == "解約済み" and got.loc["A06", "segment_en"] == "Churned"
    assert got.loc["A05", "basis_ja"] == "契約継続中 (購入中とみなす)"
    assert got.loc["A08", "basis_en"] == "first purchase within the grace period"
    assert (result.grace_days, result.interval_days) == (90, 31)
    protected = got["basis"].isin(["subscribed", "first_purchase", "recent"])
    assert not got.loc[protected, "segment"].isin(LAPSE_NAMES).any()


def test_segment_summary_counts_the_new_names(ws: Workspace) -> None:
    result = rfm_report(ws.backend(), AS_OF)
    sizes = dict(zip(result.segments["segment"], result.segments["customers"], strict=True))
    assert sizes == {
        "champions": 4,
        "loyal": 1,
        "new": 2,
        "hibernating": 1,
        "lost": 1,
        "churned": 1,
    }
    # in rule order, the churned last
    assert result.segments["segment"].tolist() == [
        "champions",
        "loyal",
        "new",
        "hibernating",
        "lost",
        "churned",
    ]
    churned = result.segments.set_index("segment").loc["churned"]
    assert churned["revenue"] == 17 * 10000.0  # A06's 17 billings


def test_transitions_name_both_dates_by_the_same_rules(ws: Workspace) -> None:
    # As of 2025-10-02: A01–A04 and A07 subscribe (F 33, 28, 19, 6, 18 among eight:
    # champions ×3, promising, loyal), A06 has churned, A10's first order is 62 days old
    # (new), A09 is lost; A05 and A08 had not bought yet.
    moves = rfm_report(ws.backend(), AS_OF).transitions
    got = {(m.segment_a, m.segment_b): m.customers for m in moves.itertuples()}
    assert got == {
        ("champions", "champions"): 3,
        ("promising", "loyal"): 1,  # A04
        ("loyal", "champions"): 1,  # A07
        ("churned", "churned"): 1,  # A06
        ("lost", "lost"): 1,  # A09
        ("new", "hibernating"): 1,  # A10
        ("not_yet", "new"): 2,  # A05 and A08: never 未獲得 → 離反
    }
    churned = moves[moves["segment_b"] == "churned"].iloc[0]
    assert (churned["segment_a_ja"], churned["segment_b_en"]) == ("解約済み", "Churned")


def test_the_command_says_how_the_names_were_decided(ws: Workspace) -> None:
    runner = CliRunner()
    args = ["rfm", "-w", str(ws.path), "--as-of", "2025-12-31"]
    out = runner.invoke(app, [*args, "--format", "json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.stdout)
    naming = payload["naming"]
    assert (naming["grace_days"], naming["interval_days"]) == (90, 31)
    counts = {b["basis"]: b["customers"] for b in naming["bases"]}
    assert counts == {"ended": 1, "subscribed": 5, "first_purchase": 1, "recent": 1, "scores": 2}
    a05 = next(c for c in payload["customers"] if c["account_id"] == "A05")
    assert (a05["segment"], a05["R"], a05["basis"]) == ("new", 3, "subscribed")
    ja = runner.invoke(app, args)
    assert ja.exit_code == 0, ja.output
    # The terminal folds Japanese lines anywhere: compare without white space.
    flat = "".join(ja.stdout.split())
    assert "解約済み" in flat
    said = (
        "命名の根拠: 契約がすべて終了 1社、契約継続中 (購入中とみなす) 5社、"
        "初回購入から猶予期間内 1社、最終購入が通常の購買間隔以内 1社、RFMスコア 2社。"
        "契約継続中・初回購入から90日以内・最終購入から31日以内 (通常の購買間隔)の顧客は、"
        "離反・休眠・離反予備軍・失いたくない・要注意と呼びません。"
    )
    assert "".join(said.split()) in flat
    en = runner.invoke(app, [*args, "--lang", "en", "--customers"])
    assert en.exit_code == 0, en.output
    flat = " ".join(en.stdout.split())
    assert "Churned" in flat and "every subscription ended" in flat
    # rfm counts purchase days (the clv table's same keys count weeks)
    assert "purchase days" in flat and "weeks" not in flat
    assert (
        "A running subscription, a first purchase within 90 days or a last purchase within "
        "31 days (the usual interval) is never named lost, hibernating, at risk, can't lose "
        "or need attention."
    ) in flat


@pytest.mark.filterwarnings("ignore:Glyph")
def test_the_report_uses_the_same_names_and_says_how(ws: Workspace, tmp_path: Path) -> None:
    shutil.copytree(ws.path, tmp_path / "ws")
    copy = open_workspace(tmp_path / "ws")
    report = analyze(copy, as_of=AS_OF, only=["rfm"])
    assert not report.failures, report.failures
    ja = write_report(copy, tmp_path / "ja.html").read_text(encoding="utf-8")
    section = ja.split("RFM分析", 1)[1]
    assert section.count("解約済み") >= 2  # the segment table and the transition matrix
    assert "命名の根拠: 契約がすべて終了 1社" in section
    en = write_report(copy, tmp_path / "en.html", lang="en").read_text(encoding="utf-8")
    section = en.split("RFM analysis", 1)[1]
    assert section.count("Churned") >= 2 and "Named by: every subscription ended 1" in section


def test_the_comparison_window_cannot_reach_back_before_the_first_purchase(
    ws: Workspace,
) -> None:
    # The first purchase (A01's subscription) is 2023-01-05, 1,091 days before the as-of date.
    runner = CliRunner()
    args = ["rfm", "-w", str(ws.path), "--as-of", "2025-12-31", "-f", "json"]
    ok = runner.invoke(app, [*args, "--compare-days", "1091"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["transitions"]["from"] == "2023-01-05"
    for days in ("1092", "100000"):
        bad = runner.invoke(app, [*args, "--compare-days", days])
        assert bad.exit_code == 1
        message = str(bad.exception)
        assert message == (
            f"比較期間 {days}日は基準日 2025-12-31 から注文・契約の開始日 2023-01-05 より前に"
            "さかのぼります (比較できるのは 2023-01-05 以降) / the comparison window of "
            f"{days} days reaches back from the as-of date 2025-12-31 to before the first "
            "order or subscription, 2023-01-05 (the earliest date to compare with) — fix: "
            "--compare-days (Python: compare_days) を 1091 以下にしてください / "
            "set --compare-days (compare_days in Python) to 1091 or less"
        ), message


def test_the_python_api_refuses_the_window_too(ws: Workspace) -> None:
    from rashinban import InvalidValueError, NotEnoughDataError

    backend = ws.backend()
    assert rfm_report(backend, AS_OF, compare_days=1091).date_a == dt.date(2023, 1, 5)
    with pytest.raises(NotEnoughDataError) as err:
        rfm_report(backend, AS_OF, compare_days=1092)
    assert "(the earliest date to compare with)" in err.value.message
    assert "開始日 2023-01-05 より前にさかのぼります" in err.value.message
    assert err.value.fix == (
        "--compare-days (Python: compare_days) を 1091 以下にしてください / "
        "set --compare-days (compare_days in Python) to 1091 or less"
    )
    # The first day of the data leaves no window at all: a later as-of date is the fix.
    with pytest.raises(NotEnoughDataError) as first:
        rfm_report(backend, dt.date(2023, 1, 5), compare_days=1)
    assert first.value.fix == (
        "--as-of (Python: as_of) を 2023-01-05 より後にしてください / "
        "set --as-of (as_of in Python) to a date after 2023-01-05"
    )
    # A window of no days (or one ahead of the as-of date) would compare with the future.
    for days in (0, -30):
        with pytest.raises(InvalidValueError) as bad:
            rfm_report(backend, AS_OF, compare_days=days)
        assert bad.value.message == (
            f"比較期間 {days}日は1日以上にしてください / "
            f"the comparison window of {days} days must be 1 day or more"
        )


def test_top_lists_the_best_customers_first(ws: Workspace) -> None:
    runner = CliRunner()
    args = ["rfm", "-w", str(ws.path), "--as-of", "2025-12-31", "--customers", "-f", "json"]
    every = json.loads(runner.invoke(app, args).stdout)["customers"]
    top = runner.invoke(app, [*args, "--top", "3"])
    assert top.exit_code == 0, top.output
    best = json.loads(top.stdout)["customers"]

    def rank(c: dict) -> tuple[int, float, str]:  # type: ignore[type-arg]
        spend = c["frequency"] * c["monetary_value"]
        return (-(c["R"] + c["F"] + c["M"]), -spend, c["account_id"])

    assert len(every) == 10 and every == sorted(every, key=rank)
    assert best == every[:3]
    # A02 (R5 F5 M3, and an order on the as-of date), A07 (4-4-4), A03 (5-4-1); A01 spent
    # the most (36 billings) but its last billing, 12-05, scores R3: 3-5-1 comes fourth.
    assert [(c["account_id"], c["RFM"]) for c in every[:4]] == [
        ("A02", "553"),
        ("A07", "444"),
        ("A03", "541"),
        ("A01", "351"),
    ]
    csv_rows = runner.invoke(app, [*args[:-2], "--top", "2", "-f", "csv"]).stdout
    assert len(csv_rows.strip().splitlines()) == 3  # header and two customers
    # Without --customers there is no customer list to cut: say what to add.
    alone = runner.invoke(app, ["rfm", "-w", str(ws.path), "--top", "3"])
    assert alone.exit_code == 1
    assert str(alone.exception) == (
        "--top は顧客別の一覧に使います / --top limits the list of customers — fix: "
        "--customers を付けてください (例: rashinban rfm --customers --top 20) / "
        "add --customers, e.g. rashinban rfm --customers --top 20"
    )
