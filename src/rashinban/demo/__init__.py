"""The planted-truth demo: a synthetic Japanese B2B SaaS company's CRM/SFA data.

:func:`generate` builds every canonical table; :data:`PLANTED` describes the
hidden structure an analysis should find; :func:`write_exports` writes the
tables the way a real company's CRM exports look (CP932 CSV, XLSX, Parquet).
"""

from rashinban.demo._exports import BAD_ROWS, ExportFile, write_exports
from rashinban.demo._generate import Demo, generate, generate_demo
from rashinban.demo._planted import PLANTED, EventPlant, Planted, SegmentRule

__all__ = [
    "BAD_ROWS",
    "PLANTED",
    "Demo",
    "EventPlant",
    "ExportFile",
    "Planted",
    "SegmentRule",
    "generate",
    "generate_demo",
    "write_exports",
]
