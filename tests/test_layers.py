"""The arrows point one way: each package imports only the rooms below it.

model/ knows nothing of the bot, training or the database; feedback/ neither of the bot nor training; the
bot never uses training; and the bot's two doors (bot/telegram, bot/web) never use each other, while what
both share (the rest of bot/) uses neither door, but for the server that runs both.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNS_BOTH_DOORS = {"bot.server", "bot.__main__"}

FORBIDDEN = {
    "model": ("bot", "training", "feedback"),
    "feedback": ("bot", "training"),
    "bot": ("training",),
    "bot.telegram": ("bot.web",),
    "bot.web": ("bot.telegram",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name the file imports, at any depth (imports inside functions count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_a_room_above_or_beside_it(package: str) -> None:
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in modules_of(package)
        for name in imported_modules(path)
        for forbidden in FORBIDDEN[package]
        if within(name, forbidden)
    }
    assert not wrong


def test_what_both_doors_share_uses_neither_door() -> None:
    shared = [
        path
        for path in modules_of("bot")
        if not within(module_name(path), "bot.telegram") and not within(module_name(path), "bot.web")
    ]
    wrong = {
        f"{module_name(path)} imports {name}"
        for path in shared
        if module_name(path) not in RUNS_BOTH_DOORS
        for name in imported_modules(path)
        if within(name, "bot.telegram") or within(name, "bot.web")
    }
    assert len(shared) > 5 and not wrong


def test_no_module_of_the_bot_is_over_300_lines() -> None:
    long = {
        f"{module_name(path)}: {n}"
        for path in modules_of("bot")
        if (n := len(path.read_text().splitlines())) > 300
    }
    assert not long
