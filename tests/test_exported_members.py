"""The public surface is explicit: every name in __all__ exists and nothing private leaks."""

import rashinban


def test_all_names_exist() -> None:
    for name in rashinban.__all__:
        assert hasattr(rashinban, name), name


def test_all_is_sorted_and_public() -> None:
    public = [n for n in rashinban.__all__ if n != "__version__"]
    assert public == sorted(public, key=lambda n: (not n.isupper(), n))
    assert not [n for n in public if n.startswith("_")]
