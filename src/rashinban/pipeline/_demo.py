"""``rashinban demo``: generate the demo company, import its exports, analyse, report.

The demo goes through exactly the path a user's own data takes: the generator
writes real export files (CP932 CSV with Japanese headers, XLSX, Parquet) and
they are loaded with :func:`rashinban.importing.import_files`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rashinban._errors import WorkspaceError
from rashinban.importing import import_files
from rashinban.pipeline._analyze import analyze
from rashinban.workspace import init_workspace

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
                f"{directory} exists and is not a demo workspace",
                fix="choose an empty or new folder for the demo",
            )
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text("rashinban demo workspace; rebuilt by 'rashinban demo'\n")


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
                f"  (除外 {fr.rejected} → {result.rejects_file.name})"
                if result.rejects_file and fr.rejected
                else ""
            )
        )
    say("分析 / analysing")
    run = analyze(ws, progress=say)
    say("レポート / report")
    report = write_report(ws, lang=language)
    lines = [
        f"デモワークスペース / demo workspace: {directory}",
        "取り込み / imported:",
        *summary_lines,
        f"基準日 / as of: {run.as_of}",
    ]
    for outcome in run.results.values():
        for key in ("headline_ja", "headline_en") if language == "ja" else ("headline_en",):
            text = outcome.summary.get(key)
            if text:
                lines.append(f"  ・{text}")
    for name, why in run.failures.items():
        lines.append(f"  – {name}: {why}")
    lines.append(f"レポート / report: {report}")
    return DemoSummary(directory, report, lines)
