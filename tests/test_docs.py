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
    from spiders.addon import ARCHIVE_DEFAULTS

    for name in ARCHIVE_DEFAULTS:
        assert f"`{name}`" in README, name


def test_the_readme_states_each_setting_s_real_default() -> None:
    from spiders.addon import ARCHIVE_DEFAULTS

    stated = dict(re.findall(r"^\| `(ARCHIVE_\w+)` \| `([^`]+)`", README, re.MULTILINE))
    assert set(stated) == set(ARCHIVE_DEFAULTS)
    for name, text in stated.items():
        default = ARCHIVE_DEFAULTS[name]
        assert (text == str(default)) if isinstance(default, (bool, str)) else float(text) == default, name


def test_ci_runs_the_readme_test_command() -> None:
    setup = README.split("## Setup", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^(uv run [^#\n]+?)\s*(?:#.*)?$", setup, re.MULTILINE)
    assert len(commands) == 2, commands  # the main job, then the tests
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci.splitlines()
