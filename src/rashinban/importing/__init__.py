"""Importing CRM/SFA exports into a workspace: readers, mappings, presets, the importer."""

from rashinban.importing._frames import load_frames
from rashinban.importing._importer import FileResult, ImportResult, import_files
from rashinban.importing._mapping import (
    ENUM_SYNONYMS,
    Mapping,
    detect_preset,
    header_key,
    load_mapping,
    preset_mapping,
    presets,
)
from rashinban.importing._readers import ENCODINGS, detect_encoding

__all__ = [
    "ENCODINGS",
    "ENUM_SYNONYMS",
    "FileResult",
    "ImportResult",
    "Mapping",
    "detect_encoding",
    "detect_preset",
    "header_key",
    "import_files",
    "load_frames",
    "load_mapping",
    "preset_mapping",
    "presets",
]
