"""The public surface is explicit: every name in __all__ exists and nothing private leaks."""

import rashinban


def test_all_names_exist() -> None:
    for name in rashinban.__all__:
        assert hasattr(rashinban, name), name


def test_all_is_sorted_and_public() -> None:
    public = [n for n in rashinban.__all__ if n != "__version__"]
    assert public == sorted(public, key=lambda n: (not n.isupper(), n))
    assert not [n for n in public if n.startswith("_")]


def test_every_public_subpackage_exports_what_it_lists() -> None:
    import importlib
    import pkgutil

    names = [m.name for m in pkgutil.iter_modules(rashinban.__path__) if not m.name.startswith("_")]
    assert "clv" in names
    for name in names:
        module = importlib.import_module(f"rashinban.{name}")
        exported = getattr(module, "__all__", None)
        assert exported, f"rashinban.{name} has no __all__"
        missing = [n for n in exported if not hasattr(module, n)]
        assert not missing, f"rashinban.{name}.__all__ lists missing names {missing}"
