"""The public facade exports exactly what `__all__` promises."""

import questions


def test_all_matches_public_names() -> None:
    public = {name for name in vars(questions) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(questions, name)).__name__ == "module"}
    assert set(questions.__all__) == public - modules


def test_every_exported_name_resolves() -> None:
    for name in questions.__all__:
        assert getattr(questions, name) is not None
