"""Write docs/data-model.md from the registry: ``python -m rashinban.schema docs/data-model.md``."""

import sys
from pathlib import Path

from rashinban.schema._tables import data_model_markdown

if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/data-model.md")
    target.write_text(data_model_markdown(), encoding="utf-8")
