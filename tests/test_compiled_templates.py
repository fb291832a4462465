"""Compiled templates are shared by the apps of one process, and an edited template still shows."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from course.core.templating import _CompiledTemplates


def test_an_edited_template_shows_its_new_text_in_an_app_made_after_the_edit(tmp_path: Path):
    shared = _CompiledTemplates()
    page = tmp_path / "page.html"
    page.write_text("Hallo {{ name }}", encoding="utf-8")

    def render() -> str:
        environment = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=shared)
        return environment.get_template("page.html").render(name="Sanne")

    assert render() == "Hallo Sanne"
    assert render() == "Hallo Sanne"  # from the shared compiled code
    page.write_text("Dag {{ name }}", encoding="utf-8")
    os.utime(page, (page.stat().st_atime, page.stat().st_mtime + 5))
    assert render() == "Dag Sanne"


def test_environments_with_other_settings_never_take_each_others_compiled_code(tmp_path: Path):
    shared = _CompiledTemplates()
    (tmp_path / "page.html").write_text("{{ name }}\n", encoding="utf-8")

    def render(**settings: object) -> str:
        environment = Environment(loader=FileSystemLoader(tmp_path), bytecode_cache=shared, **settings)
        return environment.get_template("page.html").render(name="<i>Sanne</i>")

    assert render(autoescape=False) == "<i>Sanne</i>"
    assert render(autoescape=True) == "&lt;i&gt;Sanne&lt;/i&gt;"
    assert render(autoescape=False, keep_trailing_newline=True) == "<i>Sanne</i>\n"
