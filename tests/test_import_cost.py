"""Read commands load only what they use: scikit-learn and scipy.stats cost about a
second to import on a small machine, so they load inside the functions that fit models,
never when a package is imported; the command line itself (``--help``, a usage error)
loads none of the data libraries, and the intervals of ``kpi`` and ``triggers`` take their
Beta quantiles from scipy.special (see docs/cli.md, Speed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from rashinban import Workspace

HEAVY = ("sklearn", "scipy.stats", "scipy.optimize")
#: What the command line must not load before a command runs: about 0.6 s together.
DATA_LIBRARIES = ("pandas", "ibis", "duckdb", "sqlalchemy", "scipy", "numpy", "pyarrow")


def _loaded_after(code: str, watch: tuple[str, ...] = HEAVY) -> list[str]:
    probe = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import sys
        print(",".join(m for m in {watch!r} if m in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    last = done.stdout.rstrip("\n").split("\n")[-1]
    return [m for m in last.split(",") if m]


def _run_cli(*argv: str, code: int = 0) -> str:
    """Python that runs ``rashinban ARGV`` in-process and checks its exit code."""
    return f"""
        import contextlib, io, sys
        from rashinban.cli import main
        sys.argv = ["rashinban", *{list(argv)!r}]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                main()
            except SystemExit as stop:
                assert (stop.code or 0) == {code}, stop.code
    """


def test_importing_the_cli_loads_no_data_library() -> None:
    assert _loaded_after("import rashinban, rashinban.cli", DATA_LIBRARIES) == []


def test_help_and_a_usage_error_load_no_data_library() -> None:
    assert _loaded_after(_run_cli("--help"), DATA_LIBRARIES) == []
    assert _loaded_after(_run_cli("--bogus", code=2), DATA_LIBRARIES) == []
    assert _loaded_after(_run_cli("kpi", "--help"), DATA_LIBRARIES) == []


def test_state_store_commands_load_only_sqlalchemy(tiny_ws: Workspace) -> None:
    code = _run_cli("target", "list", "-w", str(tiny_ws.path), "-f", "json")
    assert _loaded_after(code, DATA_LIBRARIES) == ["sqlalchemy"]
    # A target's hypotheses are written with the KPI labels, not the KPI engine.
    code = """
        import rashinban.kpi
        from rashinban._labels import hypothesis_text
        assert hypothesis_text("win_rate", ">=", 0.3) == "受注率 ≥ 30%"
    """
    assert _loaded_after(code, DATA_LIBRARIES) == []
    assert _loaded_after("from rashinban.kpi import funnel", ("pandas", "ibis")) == [
        "pandas",
        "ibis",
    ]


def test_the_cli_copies_of_the_crosssell_bounds_are_the_librarys() -> None:
    from rashinban.cli import _defend
    from rashinban.crosssell import MIN_EVIDENCE
    from rashinban.crosssell._rules import MAX_COUNT

    assert (_defend.MIN_EVIDENCE, _defend.MAX_COUNT) == (MIN_EVIDENCE, MAX_COUNT)


def test_kpi_and_review_intervals_do_not_load_scipy_stats() -> None:
    code = """
        from rashinban.kpi._funnel import beta_interval
        from rashinban.targets._data import prob_at_least
        lo, hi = beta_interval([3, 0], [10, 4])
        assert 0 < lo[0] < 0.3 < hi[0] < 1 and lo[1] == 0.0, (lo, hi)
        assert 0.5 < prob_at_least(8, 10, 0.5) < 1
    """
    assert _loaded_after(code, (*HEAVY, "scipy.special")) == ["scipy.special"]


def test_the_kpi_command_loads_no_model_library(demo_ws: Workspace) -> None:
    code = _run_cli("kpi", "-w", str(demo_ws.path), "-f", "json")
    assert _loaded_after(code, (*HEAVY, "scipy.special")) == ["scipy.special"]


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
