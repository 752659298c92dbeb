"""The README is part of the interface: every command, option and setting it should document is
there, and CI runs exactly the test command it prints."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from archive.cli import COMMAND_MODULES, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_every_command_and_option_is_in_the_readme(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help, f"{name} has no help text"
    assert f"sector-archive {name}" in README
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert any(opt in README for opt in param.opts), f"{name} {param.opts} is not in the README"


def test_every_archive_setting_is_in_the_readme() -> None:
    settings = (ROOT / "spiders" / "settings.py").read_text()
    for name in re.findall(r"^(ARCHIVE_\w+) =", settings, re.MULTILINE):
        assert f"`{name}`" in README, name


def test_ci_runs_the_readme_test_command() -> None:
    setup = README.split("## Setup", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(uv run [^#\n]+?)\s*(?:#.*)?$", setup, re.MULTILINE)
    assert len(commands) == 2, commands  # the main job, then the tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()
