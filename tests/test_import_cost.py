"""Read commands load only what they use: scikit-learn and scipy.stats cost about a
second to import on a small machine, so they load inside the functions that fit models
or compute posteriors, never when a package is imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from rashinban import Workspace

HEAVY = ("sklearn", "scipy.stats", "scipy.optimize")


def _loaded_after(code: str) -> list[str]:
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import sys
        print(",".join(m for m in {HEAVY!r} if m in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    last = done.stdout.rstrip("\n").split("\n")[-1]
    return [m for m in last.split(",") if m]


def test_importing_the_cli_and_the_read_packages_loads_no_model_library() -> None:
    code = """
        import rashinban.cli
        import rashinban.icp, rashinban.kpi, rashinban.personas
        import rashinban.targeting, rashinban.targets, rashinban.text
    """
    assert _loaded_after(code) == []


def test_feedback_summary_runs_without_model_libraries(tiny_ws: Workspace) -> None:
    code = f"""
        import contextlib, io, json, sys
        from rashinban.cli import main
        sys.argv = ["rashinban", "feedback", "summary", "-w", {str(tiny_ws.path)!r}, "-f", "json"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                main()
            except SystemExit as stop:
                assert not stop.code, stop.code
        assert json.loads(out.getvalue()) == {{"feedback": []}}, out.getvalue()
    """
    assert _loaded_after(code) == []


def test_a_fit_still_loads_scikit_learn() -> None:
    code = """
        from rashinban.text import SentimentModel
        texts = ["とても便利です", "便利で助かる", "使いにくい", "遅くて困る"] * 5
        SentimentModel(min_comments=8).fit(texts, [1, 1, 0, 0] * 5)
    """
    assert "sklearn" in _loaded_after(code)
