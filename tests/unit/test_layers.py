"""What import-linter cannot say: rendering takes only dataclasses and constants of services, never functions."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _service_names_imported_by_render() -> list[tuple[str, str, str]]:
    """(render module, services module, name) for every name bot/render imports from bot/services."""
    found = []
    for path in sorted((ROOT / "bot" / "render").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    assert not alias.name.startswith("bot.services"), f"{path.name} imports a whole service module"
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.services"):
                for alias in node.names:
                    found.append((path.name, str(node.module), alias.name))
    return found


def test_render_imports_only_dataclasses_and_constants_of_services() -> None:
    imported = _service_names_imported_by_render()
    assert imported, "render imports nothing from services: this test would check nothing"
    wrong = []
    for render_module, service_module, name in imported:
        value = getattr(importlib.import_module(service_module), name)
        if inspect.ismodule(value) or (callable(value) and not isinstance(value, type)):
            wrong.append(f"{render_module}: {service_module}.{name}")
    assert wrong == []
