"""The demo's outputs, byte for byte: change them only on purpose, in the same commit as the
code, saying why (regenerate with ``python tests/test_golden.py``).

Each output is made in a fresh interpreter under two hash seeds, so that nothing in a triage
depends on the order of a set or a dict of strings.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from qsgrules.bundled import default_ruleset

GOLDEN = Path(__file__).parent / "golden"
SEEDS = ("0", "4242")

_SCRIPT = """
import json, sys
from click.testing import CliRunner
from qsgrules.cli.main import cli
runner = CliRunner()
out = {"triage.json": runner.invoke(cli, ["triage", "--format", "json"]).stdout,
       "triage.txt": runner.invoke(cli, ["triage"]).stdout}
codes = [p["provider"] for p in json.loads(out["triage.json"])["proposals"]]
for code in sorted(codes):
    out[f"explain/{code}.txt"] = runner.invoke(cli, ["explain", code]).stdout
json.dump(out, sys.stdout)
"""


def _outputs(seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    result: dict[str, str] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module", params=SEEDS)
def outputs(request: pytest.FixtureRequest) -> dict[str, str]:
    return _outputs(request.param)


def test_every_golden_file_is_produced(outputs: dict[str, str]) -> None:
    on_disk = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file())
    assert sorted(outputs) == on_disk


def test_outputs_match_the_golden_files_byte_for_byte(outputs: dict[str, str]) -> None:
    for name, text in sorted(outputs.items()):
        assert text == (GOLDEN / name).read_text(encoding="utf-8"), name


if __name__ == "__main__":  # regenerate
    for name, text in _outputs(SEEDS[0]).items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(list(GOLDEN.rglob('*.*')))} golden files")


def test_the_readme_and_the_docs_show_today_s_demo_triage_and_ruleset() -> None:
    # as found: README blocks of real output went stale when the default ruleset changed
    root = Path(__file__).parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    worked = (root / "docs" / "triage.md").read_text(encoding="utf-8")
    for text in (readme, worked):
        assert (GOLDEN / "triage.txt").read_text(encoding="utf-8") in text
    sha = hashlib.sha256(default_ruleset().read_bytes()).hexdigest()
    shown: set[str] = set()
    for path in [root / "README.md", *(root / "docs").rglob("*.md")]:
        text = path.read_text(encoding="utf-8")
        shown |= set(re.findall(r"\(sha ([0-9a-f]{8})\)", text))
        shown |= set(re.findall(r"sha256 `([0-9a-f]{64})`", text))
    assert shown and shown <= {sha[:8], sha}, (shown, sha)
