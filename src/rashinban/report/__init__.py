"""The self-contained HTML report."""

from rashinban.report._report import build_report, write_report
from rashinban.report._sections import SECTIONS, ReportContext, Section, table_html

__all__ = ["SECTIONS", "ReportContext", "Section", "build_report", "table_html", "write_report"]
