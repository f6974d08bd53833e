"""docs/settings.md lists every registered setting: regenerate it with `python -m tools.settings_docs`."""

from tools.settings_docs import DOCS_FILE, declared_settings, render


def test_settings_page_is_up_to_date() -> None:
    registry = declared_settings()
    assert DOCS_FILE.read_text() == render(registry), "run: python -m tools.settings_docs"
    for spec in registry.all():
        assert f"| `{spec.key}` |" in DOCS_FILE.read_text()
