"""Customer value on the demo company: RFM view and CLV, judged against the plants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from rashinban import InvalidValueError, NotEnoughDataError, init_workspace
from rashinban.demo import generate_demo
from rashinban.engine import CHURNED_SEGMENT, DEFAULT_SEGMENTS, NOT_YET_SEGMENT
from rashinban.importing import load_frames
from rashinban.value import clv_report, rfm_report

AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return generate_demo(3000, seed=7)


@pytest.fixture(scope="module")
def backend(demo, tmp_path_factory):  # type: ignore[no-untyped-def]
    ws = init_workspace(tmp_path_factory.mktemp("value") / "ws")
    load_frames(ws, demo.tables)
    return ws.backend()


def test_planted_churners_have_lower_p_alive(demo, backend) -> None:  # type: ignore[no-untyped-def]
    result = clv_report(backend, AS_OF)
    churned = set(demo.truth["churners"].query("churned_at <= @AS_OF")["account_id"])
    frame = result.customers
    label = frame["account_id"].isin(churned).to_numpy()
    assert label.sum() >= 20, "the demo should plant enough churners to judge"
    auc = roc_auc_score(label, -frame["p_alive"].to_numpy())
    print(
        f"\nP(alive) separates planted churners: AUC = {auc:.3f} "
        f"(churners {label.sum()}, others {(~label).sum()}); "
        f"mean P(alive) churners {frame['p_alive'][label].mean():.3f} "
        f"vs others {frame['p_alive'][~label].mean():.3f}"
    )
    assert auc > 0.75
    assert frame["p_alive"][label].mean() < frame["p_alive"][~label].mean()


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"horizon_months": 0}, "horizon is 0 months"),
        ({"discount_rate": 1.0}, "not in \\[0, 1\\)"),
        ({"discount_rate": -0.1}, "not in \\[0, 1\\)"),
        ({"holdout_weeks": 0}, "holdout is 0 weeks"),
    ],
)
def test_clv_report_refuses_impossible_settings(backend, kwargs, needle) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError, match=needle):
        clv_report(backend, AS_OF, **kwargs)


def test_customers_whose_repeat_purchases_net_below_zero_get_the_average_spend(
    tmp_path,
) -> None:  # type: ignore[no-untyped-def]
    # Returns (▲ amounts) can make a customer's mean repeat spend negative; Gamma-Gamma
    # needs positive spend, so those customers are valued at the population mean.
    tables = generate_demo(1000, seed=3).tables
    keep = {k: v for k, v in tables.items() if k in ("accounts", "orders", "products")}
    ws = init_workspace(tmp_path / "ws")
    load_frames(ws, keep)
    result = clv_report(ws.backend(), AS_OF)
    negative = result.customers[result.customers["monetary_value"] <= 0]
    repeat_negative = negative[negative["frequency"] > 0]
    assert len(repeat_negative) > 0
    assert any("net to zero or less" in n for n in result.notes)
    assert (result.customers["clv"] >= 0).all()
    assert np.isfinite(result.customers["clv"]).all()


def test_clv_holdout_beats_naive_baseline(backend) -> None:  # type: ignore[no-untyped-def]
    result = clv_report(backend, AS_OF, holdout_weeks=26)
    h = result.holdout
    assert h is not None
    print(
        f"\nholdout {h.calibration_end} +{h.holdout_weeks:.0f}w, {h.customers} customers: "
        f"actual {h.actual_total:.0f}, BG/NBD {h.predicted_total:.0f}, "
        f"naive rate {h.baseline_total:.0f}; MAE BG/NBD {h.mae_model:.3f} "
        f"vs naive {h.mae_baseline:.3f}"
    )
    assert h.mae_model < h.mae_baseline
    assert abs(h.predicted_total - h.actual_total) / h.actual_total < 0.25


def test_clv_holdout_revenue_beats_running_contracts_on_unchanged(backend) -> None:  # type: ignore[no-untyped-def]
    # Revenue in the 26 holdout weeks of the customers there at the calibration end:
    # orders by BG/NBD × Gamma-Gamma, running contracts by the retention fitted then.
    # Baseline: every running contract keeps billing, every customer orders at its rate.
    h = clv_report(backend, AS_OF, holdout_weeks=26).holdout
    assert h is not None and h.actual_revenue is not None
    print(
        f"\nholdout revenue: actual ¥{h.actual_revenue:,.0f} (orders "
        f"¥{h.order_actual_revenue:,.0f}, running contracts ¥{h.contract_actual_revenue:,.0f}, "
        f"new contracts ¥{h.new_contract_revenue:,.0f}); predicted ¥{h.predicted_revenue:,.0f} "
        f"(orders ¥{h.order_predicted_revenue:,.0f}, contracts "
        f"¥{h.contract_predicted_revenue:,.0f}, {h.retention_model}); baseline "
        f"¥{h.baseline_revenue:,.0f}; MAE ¥{h.mae_revenue_model:,.0f} vs "
        f"¥{h.mae_revenue_baseline:,.0f}"
    )
    parts = [h.order_actual_revenue, h.contract_actual_revenue, h.new_contract_revenue]
    assert h.actual_revenue == pytest.approx(sum(p or 0.0 for p in parts), rel=1e-12)
    # Billed in the holdout, counted from the raw rows: orders and subscription months.
    day = pd.Timestamp(h.calibration_end)
    orders = backend.table("orders").to_pandas()
    there = set(orders.loc[orders["ordered_at"] <= day, "account_id"])
    subs = backend.table("subscriptions").to_pandas()
    there |= set(subs.loc[subs["started_at"] <= day, "account_id"])
    late = orders[(orders["ordered_at"] > day) & (orders["ordered_at"] <= pd.Timestamp(AS_OF))]
    assert h.order_actual_revenue == pytest.approx(
        late.loc[late["account_id"].isin(there), "amount"].sum()
    )
    assert h.customers == len(there)
    assert h.mae_revenue_model < 0.9 * h.mae_revenue_baseline
    assert h.contract_predicted_revenue == pytest.approx(h.contract_actual_revenue, rel=0.05)


def test_clv_values_are_sane_and_contract_shaped(backend) -> None:  # type: ignore[no-untyped-def]
    result = clv_report(backend, AS_OF)
    payload = result.payload(limit=5)
    assert set(payload["model"]) >= {"name", "params"}
    assert set(payload["model"]["params"]) >= {"r", "alpha", "a", "b"}
    row = payload["customers"][0]
    assert set(row) >= {"account_id", "p_alive", "expected_purchases", "clv"}
    frame = result.customers
    assert (frame["clv"] >= 0).all()
    assert frame["p_alive"].between(0, 1).all()
    assert (frame["expected_purchases"] >= 0).all()
    clvs = [c["clv"] for c in payload["customers"]]
    assert clvs == sorted(clvs, reverse=True)


def test_as_of_is_honoured(backend) -> None:  # type: ignore[no-untyped-def]
    early = clv_report(backend, dt.date(2024, 6, 30), holdout_weeks=None)
    late = clv_report(backend, AS_OF, holdout_weeks=None)
    assert len(early.customers) < len(late.customers)
    assert early.customers["T"].max() <= (dt.date(2024, 6, 30) - dt.date(2023, 1, 1)).days / 7 + 1


def test_rfm_report_segments_and_transitions(backend) -> None:  # type: ignore[no-untyped-def]
    result = rfm_report(backend, AS_OF)
    assert np.isclose(result.segments["share"].sum(), 1.0)
    assert result.segments["customers"].sum() == len(result.customers)
    sizes_b = result.transitions.groupby("segment_b")["customers"].sum()
    current = result.customers.groupby("segment").size()
    assert sizes_b.sort_index().to_dict() == current.sort_index().to_dict()
    assert {"segment_ja", "segment_en"} <= set(result.customers.columns)


def test_rfm_transitions_come_in_the_segments_order_every_time(backend) -> None:  # type: ignore[no-untyped-def]
    keys = [s.key for s in (*DEFAULT_SEGMENTS, CHURNED_SEGMENT, NOT_YET_SEGMENT)]
    first = rfm_report(backend, AS_OF).transitions
    pairs = list(zip(first["segment_a"], first["segment_b"], strict=True))
    assert len(pairs) > 5
    assert pairs == sorted(pairs, key=lambda p: (keys.index(p[0]), keys.index(p[1])))
    assert first.index.tolist() == list(range(len(first)))
    for _ in range(2):
        again = rfm_report(backend, AS_OF).transitions
        pd.testing.assert_frame_equal(again, first)


def test_rfm_churned_are_the_planted_churners_and_subscribers_are_never_lapsed(
    demo, backend
) -> None:  # type: ignore[no-untyped-def]
    result = rfm_report(backend, AS_OF)
    frame = result.customers.set_index("account_id")
    churned = set(frame.index[frame["segment"] == "churned"])
    planted = set(demo.truth["churners"].query("churned_at <= @AS_OF")["account_id"])
    assert churned == planted and len(planted) >= 20
    # Every other customer has a running subscription: R (the billing day of the month
    # among monthly subscribers) names none of them lapsed.
    others = frame.drop(index=list(churned))
    assert (others["basis"] == "subscribed").all()
    lapsed = {"lost", "hibernating", "at_risk", "cant_lose", "need_attention"}
    assert not others["segment"].isin(lapsed).any()
    # Nobody won inside the 90-day window is shown going from 未獲得 to a lapsed name.
    moves = result.transitions
    fresh = moves[moves["segment_a"] == "not_yet"]
    assert not fresh["segment_b"].isin(lapsed).any()


def test_empty_workspace_is_not_enough_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = init_workspace(tmp_path / "empty")
    with pytest.raises(NotEnoughDataError):
        clv_report(ws.backend(), AS_OF)
    with pytest.raises(NotEnoughDataError):
        rfm_report(ws.backend(), AS_OF)


def test_clv_settings_errors_read_japanese_first_with_english_alongside(backend) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError) as err:
        clv_report(backend, AS_OF, horizon_months=0)
    assert err.value.message == "CLVの予測期間が0か月です / the CLV horizon is 0 months"
    assert err.value.fix == "1か月以上にしてください (例: 12) / use 1 month or more, e.g. 12"


def test_no_churned_customer_keeps_a_value_and_the_total_leaves_them_out(demo, backend) -> None:  # type: ignore[no-untyped-def]
    # A customer whose subscriptions have all ended, with nothing bought since, has no
    # revenue to come: the model alone gave A000414 (every subscription ended on
    # 2025-12-03) P(alive) 0.95 and the 83 churned customers ¥48.5M of the total.
    result = clv_report(backend, AS_OF)
    frame = result.customers
    rfm = rfm_report(backend, AS_OF).customers
    churned = set(rfm.loc[rfm["segment"] == "churned", "account_id"])
    assert set(frame.loc[frame["churned"], "account_id"]) == churned and len(churned) >= 20
    values = frame.loc[frame["churned"], ["p_alive", "expected_purchases", "clv"]]
    assert (values == 0).all().all()
    assert (frame.loc[~frame["churned"], "clv"] > 0).all()
    # The planted churners are exactly these: P(alive) now ranks every one of them last.
    planted = frame["account_id"].isin(
        set(demo.truth["churners"].query("churned_at <= @AS_OF")["account_id"])
    )
    assert roc_auc_score(planted, -frame["p_alive"].to_numpy()) == 1.0
    assert f"{len(churned):,} churned customers" in " ".join(result.notes)


@pytest.mark.parametrize(
    "day",
    ["2025-12-31", dt.datetime(2025, 12, 31, 18, 30), pd.Timestamp("2025-12-31")],
    ids=["text", "datetime", "timestamp"],
)
def test_rfm_and_clv_read_the_as_of_date_in_any_usual_form(backend, day) -> None:  # type: ignore[no-untyped-def]
    rfm = rfm_report(backend, day)
    assert rfm.as_of == AS_OF and type(rfm.as_of) is dt.date
    assert rfm.customers.equals(rfm_report(backend, AS_OF).customers)
    clv = clv_report(backend, day, holdout_weeks=None)
    assert clv.as_of == AS_OF and type(clv.as_of) is dt.date
    expected = clv_report(backend, AS_OF, holdout_weeks=None).customers
    assert clv.customers["clv"].sum() == pytest.approx(expected["clv"].sum())


@pytest.mark.parametrize("report", [rfm_report, clv_report])
def test_an_as_of_that_is_not_a_date_names_the_argument(backend, report) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidValueError) as err:
        report(backend, "2025-13-01")
    assert err.value.message == (
        "as_of = '2025-13-01' は日付ではありません / as_of = '2025-13-01' is not a date"
    )
    assert err.value.fix is not None and "'YYYY-MM-DD'" in err.value.fix


@pytest.mark.parametrize(
    ("report", "day"), [(rfm_report, dt.date(2030, 1, 1)), (clv_report, dt.date(2031, 12, 31))]
)
def test_an_as_of_after_the_data_is_refused_as_the_command_line_refuses_it(
    backend, report, day
) -> None:  # type: ignore[no-untyped-def]
    # Past the end subscriptions would be billed on to 2030 (Champions 222, no one lost).
    with pytest.raises(NotEnoughDataError) as err:
        report(backend, day)
    assert err.value.message == (
        f"基準日 {day} はデータの最終日 2025-12-31 より後です / "
        f"the as-of date {day} is after the last date of the data, 2025-12-31"
    )
    assert err.value.fix == (
        "--as-of (Python: as_of) を 2025-12-31 以前にするか、新しいデータを取り込んでください / "
        "set --as-of (Python: as_of) to 2025-12-31 or earlier, or import newer data"
    )
