"""``rashinban demo``: generate the demo company, import its exports, analyse, report.

The demo goes through exactly the path a user's own data takes: the generator
writes real export files (CP932 CSV with Japanese headers, XLSX, Parquet) and
they are loaded with :func:`rashinban.importing.import_files`.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rashinban._errors import WorkspaceError
from rashinban._labels import bilingual, in_language
from rashinban.pipeline._analyze import analyze
from rashinban.workspace import Workspace, init_workspace

MARKER = ".rashinban-demo"


@dataclass
class DemoSummary:
    path: Path
    report: Path
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _prepare(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).exists():
            raise WorkspaceError(
                f"{directory} はデモ用のワークスペースではありません / "
                f"{directory} exists and is not a demo workspace",
                fix="デモには空のフォルダか新しいフォルダを指定してください / "
                "choose an empty or new folder for the demo",
            )
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("rashinban demo workspace; rebuilt by 'rashinban demo'\n")


def _define_demo_target(ws: Workspace) -> None:
    """The demo company's first target: its hypothesis about the ideal customer.

    Marketing drafts it at the start of the data, marketing and sales approve it, and
    it is activated, so reviews and triggers have a hypothesis to judge.
    """
    from rashinban.demo import PLANTED
    from rashinban.state import Hypothesis, TargetDefinition, open_store

    start = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.UTC)
    ideal = PLANTED.ideal
    rule = (
        f"業種 in [{', '.join(ideal.industries)}] and 従業員数 between "
        f"{ideal.employees_low} and {ideal.employees_high}"
    )
    store = open_store(ws)
    try:
        store.add_user("mkt", "佐藤 (マーケティング)", "marketing", at=start)
        store.add_user("sls", "鈴木 (営業)", "sales", at=start)
        store.save(
            "中堅製造・情報通信",
            TargetDefinition(
                include=rule,
                positioning="生産計画と在庫の可視化に悩む中堅の製造業・情報通信業に、"
                "Excel管理から脱却できるクラウド業務基盤を届ける",
                hypotheses=(
                    Hypothesis("win_rate", ">=", 0.30),
                    Hypothesis("mql_to_sql_rate", ">=", 0.60),
                    Hypothesis("cac", "<=", 300_000),
                ),
                cadence_days=90,
                owners={"marketing": ("mkt",), "sales": ("sls",)},
            ),
            author="mkt",
            note="初版: ベスト顧客3社の共通点と受注分析から",
            at=start,
        )
        store.approve("中堅製造・情報通信", "mkt", at=start)
        store.approve("中堅製造・情報通信", "sls", at=start)
        store.activate("中堅製造・情報通信", "sls", at=start)
    finally:
        store.close()


def run_demo(
    directory: Path,
    *,
    size: int = 3000,
    seed: int = 7,
    lang: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Build the demo workspace in ``directory`` end to end and return a printed summary."""
    from rashinban.demo import generate, write_exports
    from rashinban.importing import import_files  # here: read commands import the pipeline
    from rashinban.report import write_report

    say = progress or (lambda _m: None)
    language = lang or "ja"
    _prepare(directory)
    say(f"デモデータ生成 / generating {size:,} accounts")
    tables = generate(size, seed=seed)
    files = write_exports(tables, directory / "exports")
    ws = init_workspace(directory, name="demo", lang=language)
    summary_lines: list[str] = []
    rejected = 0
    for f in files:
        say(f"取り込み / importing {f.path.name}")
        result = import_files(ws, f.table, [f.path], preset=f.preset)
        rejected += result.rejected
        fr = result.files[0]
        summary_lines.append(
            f"  {f.table:<13} {f.path.name:<28} {fr.inserted:>9,} rows"
            + (
                f"  ({'rejected' if language == 'en' else '除外'} {fr.rejected}"
                f" → {result.rejects_file.name})"
                if result.rejects_file and fr.rejected
                else ""
            )
        )
    say("ターゲット定義 / target definition")
    _define_demo_target(ws)
    say("分析 / analysing")
    run = analyze(ws, progress=say)
    say("レポート / report")
    report = write_report(ws, lang=language)
    en = language == "en"
    lines = [
        f"{bilingual('デモワークスペース', 'demo workspace', language)}: {directory}",
        f"{bilingual('取り込み', 'imported', language)}:",
        *summary_lines,
        f"{bilingual('基準日', 'as of', language)}: {run.as_of}",
    ]
    for outcome in run.results.values():
        text = outcome.summary.get("headline_en" if en else "headline_ja")
        if text:
            lines.append(f"  ・{text}")
    for name, why in run.failures.items():
        lines.append(f"  – {name}: {in_language(why, language)}")
    lines.append(f"{bilingual('レポート', 'report', language)}: {report}")
    return DemoSummary(directory, report, lines)
