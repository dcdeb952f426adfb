"""Win/loss: planted competitor loss reasons, shares against naive counts, quotes are real."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from rashinban import InvalidValueError, NotEnoughDataError, Workspace, init_workspace
from rashinban.demo import PLANTED
from rashinban.importing import load_frames
from rashinban.text import loss_reasons, note_reasons, reason_change, voice_winloss, win_rates


def test_planted_competitor_loss_reasons_rank_first(demo_tables: dict[str, pd.DataFrame]) -> None:
    table = loss_reasons(demo_tables["deals"], by="competitor")
    top = table[table["rank"] == 1].set_index("group")["reason"]
    for competitor, reason in PLANTED.competitor_loss_reason.items():
        print(competitor, "→", top[competitor])
        assert top[competitor] == reason


def test_loss_shares_match_naive_counts(demo_tables: dict[str, pd.DataFrame]) -> None:
    deals = demo_tables["deals"]
    table = loss_reasons(deals, by="competitor")
    for _, row in table.sample(8, random_state=1).iterrows():
        lost = [
            d
            for d in deals.itertuples()
            if d.outcome == "lost"
            and isinstance(d.loss_reason, str)
            and (d.competitor if isinstance(d.competitor, str) else "(競合なし)") == row["group"]
        ]
        k = sum(d.loss_reason == row["reason"] for d in lost)
        assert row["lost"] == k and row["lost_in_group"] == len(lost)
        assert row["share_low"] <= row["share"] <= row["share_high"]
    sums = table.groupby("group")["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0)


def test_small_groups_are_shrunk() -> None:
    deals = pd.DataFrame(
        {
            "outcome": ["won"] * 700 + ["lost"] * 300 + ["won"] * 3,
            "competitor": ["X"] * 1000 + ["Y"] * 3,
            "loss_reason": [None] * 700 + ["価格"] * 300 + [None] * 3,
        }
    )
    rates = win_rates(deals).set_index("group")
    assert rates.loc["Y", "win_rate"] == 1.0
    assert rates.loc["Y", "shrunk_win_rate"] < rates.loc["X", "shrunk_win_rate"] + 0.05
    assert rates.loc["Y", "win_low"] < 0.5


def test_note_reasons_quote_real_sentences(demo_tables: dict[str, pd.DataFrame]) -> None:
    notes = demo_tables["notes"]
    table = note_reasons(demo_tables["deals"], notes, by="competitor")
    text = notes.set_index("note_id")["text"]
    have = table.dropna(subset=["quote"])
    assert len(have) >= 0.9 * len(table)
    for _, row in have.iterrows():
        assert row["quote"] in text[row["quote_note_id"]]
    lost_alpha = table[(table["group"] == "アルファクラウド") & (table["outcome"] == "lost")]
    assert lost_alpha["term"].iloc[0] == "価格"


def test_note_reasons_with_too_few_notes_is_a_user_error(
    demo_tables: dict[str, pd.DataFrame],
) -> None:
    # Two notes only: no term can reach min_docs=3 in a group, so nothing to show.
    notes = demo_tables["notes"]
    wl = notes[(notes["kind"] == "win_loss") & notes["deal_id"].notna()].head(2)
    with pytest.raises(NotEnoughDataError, match="win_loss notes"):
        note_reasons(demo_tables["deals"], wl, by="competitor")


def test_reason_change_between_periods(demo_tables: dict[str, pd.DataFrame]) -> None:
    deals = demo_tables["deals"]
    change = reason_change(deals, PLANTED.event_date, by="competitor")
    for g, part in change.groupby("group"):
        assert part["before"].sum() == pytest.approx(1.0), g
        assert part["after"].sum() == pytest.approx(1.0), g
    assert (change["change"] == change["after"] - change["before"]).all()


def test_no_lost_deals_reads_japanese_first_with_english_alongside(
    demo_tables: dict[str, pd.DataFrame],
) -> None:
    won = demo_tables["deals"][demo_tables["deals"]["outcome"] == "won"]
    with pytest.raises(NotEnoughDataError) as err:
        loss_reasons(won)
    assert err.value.message == (
        "失注理由のある失注商談がありません / no lost deals with a loss_reason"
    )
    assert err.value.fix == (
        "結果 (outcome) と失注理由 (loss_reason) の入った商談を取り込んでください / "
        "import deals with outcome and loss_reason"
    )


def test_winloss_without_closed_deals_says_to_import_them_or_move_the_date(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    bare = init_workspace(tmp_path / "accounts-only")
    load_frames(bare, {k: demo_tables[k] for k in ("products", "accounts")})
    with pytest.raises(NotEnoughDataError) as none:
        voice_winloss(bare.backend(), dt.date(2025, 12, 31))
    assert none.value.message == "受注・失注した商談がありません / no closed deals in the workspace"
    assert none.value.fix == (
        "受注・失注の結果 (outcome, closed_at) が入った商談を取り込んでください / "
        "import deals with outcome won/lost and closed_at"
    )
    ws = init_workspace(tmp_path / "with-deals")
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "deals")})
    deals = demo_tables["deals"]
    closed = deals[deals["outcome"].isin(["won", "lost"])]
    early = pd.to_datetime(closed["closed_at"]).min().date() - dt.timedelta(days=1)
    with pytest.raises(NotEnoughDataError) as too_early:
        voice_winloss(ws.backend(), early)
    assert too_early.value.message == (
        "この日付までに完了した商談がありません / no closed deals as of this date"
    )
    assert too_early.value.fix == (
        f"--as-of を後にしてください (その後に{len(closed)}件が完了しています) / "
        f"choose a later --as-of ({len(closed)} deals closed after it)"
    )


def test_winloss_without_notes_still_gives_the_deal_based_sections(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from rashinban.cli import app
    from rashinban.pipeline import analyze

    ws = init_workspace(tmp_path / "no-notes")
    load_frames(ws, {k: demo_tables[k] for k in ("products", "accounts", "deals")})
    out = voice_winloss(ws.backend(), dt.date(2025, 12, 31))
    assert len(out["loss_reasons"]) and len(out["win_rates"]) and len(out["change"])
    assert out["note_reasons"].empty
    assert "win_loss" in out["note_reasons"].attrs["skipped"]
    shown = CliRunner().invoke(app, ["winloss", "-w", str(ws.path), "--as-of", "2025-12-31"])
    assert shown.exit_code == 0, shown.output
    assert "受注率 / win rates" in shown.output
    assert "受注・失注メモがありません" in shown.output  # the missing section says why
    as_json = CliRunner().invoke(
        app, ["winloss", "-w", str(ws.path), "--as-of", "2025-12-31", "-f", "json"]
    )
    assert "note_reasons_skipped" in as_json.output
    report = analyze(ws, as_of=dt.date(2025, 12, 31), only=["winloss"])
    assert not report.failures and "winloss" in report.results


def test_winloss_counts_new_deals_like_the_competitor_table(
    demo_ws: Workspace, demo_tables: dict[str, pd.DataFrame]
) -> None:
    """Competitors are recorded on new deals only: the no-competitor row must not count
    renewals and expansions, or it looks three times better than any competitor."""
    from rashinban.text import kinds_text

    day = dt.date(2025, 12, 31)
    out = voice_winloss(demo_ws.backend(), day)
    deals = demo_tables["deals"]
    closed = deals[deals["outcome"].isin(["won", "lost"]) & (deals["kind"] == "new")]
    bare = closed[closed["competitor"].isna()]
    row = out["win_rates"].set_index("group").loc["(競合なし)"]
    assert (row["won"], row["closed"]) == ((bare["outcome"] == "won").sum(), len(bare))
    assert row["win_rate"] == pytest.approx((bare["outcome"] == "won").mean())
    assert out["win_rates"]["closed"].sum() == len(closed)
    assert out["win_rates"].attrs["kinds"] == ["new"]
    assert kinds_text(out["win_rates"].attrs["kinds"]) == "新規商談"
    every = voice_winloss(demo_ws.backend(), day, kinds=None)
    all_closed = deals[deals["outcome"].isin(["won", "lost"])]
    assert every["win_rates"]["closed"].sum() == len(all_closed) > len(closed)
    assert every["win_rates"].attrs["kinds"] is None
    with pytest.raises(InvalidValueError, match="upsell"):
        voice_winloss(demo_ws.backend(), day, kinds=["upsell"])


def test_winloss_cli_names_the_deals_it_counts(demo_ws: Workspace) -> None:
    from typer.testing import CliRunner

    from rashinban.cli import app

    path = str(demo_ws.path)
    shown = CliRunner().invoke(app, ["winloss", "-w", path])
    assert shown.exit_code == 0, shown.output
    assert "受注率 / win rates (新規商談)" in shown.output
    as_json = CliRunner().invoke(app, ["winloss", "-w", path, "--kind", "all", "-f", "json"])
    payload = json.loads(as_json.output)
    assert payload["kinds"] == ["new", "expansion", "renewal"]
    renewals = CliRunner().invoke(app, ["winloss", "-w", path, "--kind", "renewal", "-f", "json"])
    rates = json.loads(renewals.output)["win_rates"]
    assert [r["group"] for r in rates] == ["(競合なし)"]  # renewals carry no competitor


def test_default_split_without_losses_on_one_side_keeps_the_other_sections(
    demo_tables: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """The midpoint split is a default: when one side has no reasoned loss, only the
    comparison is missing (and says why); a split the user chose still fails loudly."""
    deals = demo_tables["deals"]
    when = pd.to_datetime(deals["closed_at"])
    mid = when.min() + (when.max() - when.min()) / 2
    # Keep every deal, but give reasons only to losses after the midpoint.
    deals = deals.assign(loss_reason=deals["loss_reason"].where(when >= mid))
    ws = init_workspace(tmp_path / "late-reasons")
    load_frames(ws, {**{k: demo_tables[k] for k in ("products", "accounts")}, "deals": deals})
    out = voice_winloss(ws.backend(), dt.date(2025, 12, 31))
    assert out["change"].empty and "より前" in out["change"].attrs["skipped"]
    assert len(out["loss_reasons"]) and len(out["win_rates"])
    with pytest.raises(NotEnoughDataError, match="split date"):
        voice_winloss(ws.backend(), dt.date(2025, 12, 31), split_date=mid.date())
