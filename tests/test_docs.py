"""The documentation: a README a newcomer can read, and a site whose references are made
from the code (docs/hooks.py) when it is built. The strict build itself is a static check
(`.ci/checks docs`: `mkdocs build --strict`)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _hooks() -> tuple[Callable[[str], str], dict[str, Callable[[], str]]]:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    render = cast(Callable[[str], str], module.render)
    return render, cast(dict[str, Callable[[], str]], module.GENERATED)


def _pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def test_the_readme_is_short_and_its_links_resolve() -> None:
    # as found: 1,586 lines, the chair's workflow starting at line 225
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    links = re.findall(r"\]\(([^)#]+\.md)(?:#[^)]*)?\)", text)
    assert links and [link for link in links if not (ROOT / link).is_file()] == []


def test_every_page_is_in_the_site_s_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r":\s+([\w/.-]+\.md)$", nav, re.M))
    listed |= set(re.findall(r"^\s+- ([\w/.-]+\.md)$", nav, re.M))
    assert {str(p.relative_to(DOCS)) for p in _pages()} == listed


def test_every_generated_reference_is_made_from_the_code() -> None:
    from qsgrules.codes import Code
    from qsgrules.codes import reference_markdown as codes_markdown
    from qsgrules.indicators import CATALOGUE
    from qsgrules.ruleset.conditions import LEAVES
    from qsgrules.ruleset.conditions.reference import reference_markdown

    render, generated = _hooks()
    marks = [m for p in _pages() for m in re.findall(r"^<!-- generated: (\w+) -->$",
             p.read_text(encoding="utf-8"), re.M)]  # fmt: skip
    assert sorted(marks) == sorted(generated)  # each placed once, none unknown
    assert render("<!-- generated: conditions -->\n") == reference_markdown().rstrip("\n") + "\n"
    assert all(f"| `{kind}` |" in generated["conditions"]() for kind in LEAVES)
    assert generated["codes"]() == codes_markdown()
    assert all(f"| {code.value} |" in generated["codes"]() for code in Code)
    table = generated["indicators"]()
    assert all(f"| `{i.id}` | {i.title} |" in table for i in CATALOGUE)
    assert f"\n{len(CATALOGUE)} indicators." in table


def test_a_page_naming_an_unknown_reference_fails_the_build() -> None:
    render, _ = _hooks()
    with pytest.raises(ValueError, match="no generated reference is called 'conditons'"):
        render("# Page\n\n<!-- generated: conditons -->\n")
    assert render("text <!-- generated: codes --> inline\n") == (
        "text <!-- generated: codes --> inline\n"  # only a line of its own is replaced
    )


@pytest.mark.slow
def test_the_docs_check_fails_on_a_broken_link(tmp_path: Path) -> None:
    # as found: `mkdocs build --strict --quiet` passed a broken link (quiet drops the
    # warnings before strict mode counts them)
    bin_dir = str(Path(sys.executable).parent)
    if shutil.which("mkdocs", path=bin_dir) is None:
        pytest.skip("the docs dependency group is not installed: pip install --group docs")
    for part in (".ci", "docs"):
        shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "install.md").open("a", encoding="utf-8") as f:
        f.write("\nSee [the missing page](missing.md).\n")
    result = subprocess.run(
        ["bash", str(tmp_path / ".ci" / "checks"), "docs"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "'missing.md', but the target is not found" in result.stdout + result.stderr
