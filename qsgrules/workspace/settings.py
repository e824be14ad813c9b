"""A workspace's optional settings.yaml: how the QSG runs its meetings.

```yaml
business_cycle_months: 12   # every provider is discussed at least once in this many months
quorum: 3                   # distinct member organisations present for a quorate meeting...
# quorum: [CQC, NHS Croydon CCG]   # ...or the organisations that must be present
```
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from ..codes import Code
from ..errors import InputError, Problem, did_you_mean
from ..model import Model
from ..yamlpos import load as load_yaml
from ..yamlpos import pydantic_problems

SETTINGS_FILE = "settings.yaml"
CODE = Code.BAD_SETTINGS


class Settings(Model):
    """How a QSG runs: its business cycle and its quorum (None: no quorum agreed)."""

    business_cycle_months: int = Field(default=12, ge=1, le=120)
    quorum: int | tuple[str, ...] | None = None


def load_settings(folder: str | Path, members: Mapping[str, object]) -> Settings:
    """``settings.yaml`` of the workspace, or the defaults when there is none.

    Raises InputError with every problem located as ``settings.yaml:line:col``; an
    organisation named in ``quorum`` must be a member (with a "did you mean").
    """
    path = Path(folder) / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    data, positions, problems = load_yaml(path.read_text(encoding="utf-8"), SETTINGS_FILE)
    if problems:
        raise InputError(_coded(problems))
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise InputError([Problem(SETTINGS_FILE, 1, 1, "settings.yaml must be a mapping", CODE)])
    raw: dict[str, Any] = dict(data)
    if isinstance(raw.get("quorum"), list):
        raw["quorum"] = tuple(raw["quorum"])
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        found = pydantic_problems(exc, positions, model=Settings)
        raise InputError(_coded(found)) from None
    if isinstance(settings.quorum, tuple):
        unknown = [
            positions.problem(
                ("quorum", i),
                f"unknown organisation {name!r}{did_you_mean(name, members)}; the quorum "
                "names member organisations (national, or in members.csv)",
            )
            for i, name in enumerate(settings.quorum)
            if name not in members
        ]
        if unknown:
            raise InputError(_coded(unknown))
    elif isinstance(settings.quorum, int) and settings.quorum < 1:
        line, col = positions.at(("quorum",))
        raise InputError(
            [Problem(SETTINGS_FILE, line, col, "quorum must be at least 1 organisation", CODE)]
        )
    return settings


def _coded(problems: list[Problem]) -> list[Problem]:
    return [Problem(p.file, p.line, p.col, p.message, CODE) for p in problems]
