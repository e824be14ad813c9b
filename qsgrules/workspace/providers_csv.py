"""providers.csv: one provider per row, every free-text field guarded."""

from __future__ import annotations

from pydantic import ValidationError

from ..codes import Code
from ..errors import Problem, did_you_mean
from ..model.vocabulary import PROVIDER_TYPES
from ..model.workspace import Provider
from .csvtext import read_rows
from .text_guard import guard

FILE = "providers.csv"
COLUMNS = ("code", "name", "type", "qsg")
CODE_DUPLICATE = Code.PROVIDER_DUPLICATE
CODE_TYPE = Code.PROVIDER_TYPE
CODE_INVALID = Code.PROVIDER_INVALID


def parse_providers(
    text: str, problems: list[Problem]
) -> tuple[dict[str, Provider], dict[str, int], frozenset[str]]:
    """The providers, the line each is on, and the codes of rows refused (so that the other
    files' references to them are not reported again as unknown providers)."""
    table = read_rows(text, FILE, COLUMNS, problems)
    providers: dict[str, Provider] = {}
    first_line: dict[str, int] = {}
    refused: set[str] = set()
    for line, row in table.as_dicts():
        code = row["code"]
        guarded = [
            (c, m)
            for field in ("code", "name", "type", "qsg", "commissioners")
            for c, m in guard(field, row.get(field, ""), scan=field in ("name", "qsg"))
        ]
        problems.extend(Problem(FILE, line, None, m, code=c) for c, m in guarded)
        if code in providers:
            problems.append(
                Problem(
                    FILE,
                    line,
                    None,
                    f"duplicate provider code {code!r} (first at line {first_line[code]})",
                    code=CODE_DUPLICATE,
                )
            )
            continue
        extra = {k: v for k, v in row.items() if k not in COLUMNS and k != "commissioners"}
        commissioners = tuple(
            c.strip() for c in row.get("commissioners", "").split(";") if c.strip()
        )
        try:
            providers[code] = Provider.model_validate(
                {
                    "code": code,
                    "name": row["name"],
                    "type": row["type"],
                    "qsg": row["qsg"],
                    "commissioners": commissioners,
                    "extra": extra,
                }
            )
            first_line[code] = line
        except ValidationError as exc:
            refused.add(code)
            for err in exc.errors(include_url=False):
                col = err["loc"][0] if err["loc"] else "row"
                if col == "type":
                    allowed = list(PROVIDER_TYPES)
                    got = row["type"]
                    problems.append(
                        Problem(
                            FILE,
                            line,
                            None,
                            f"unknown provider type {got!r}{did_you_mean(got, allowed)}; use one "
                            f"of {', '.join(allowed)}",
                            code=CODE_TYPE,
                        )
                    )
                else:
                    problems.append(
                        Problem(FILE, line, None, f"{col}: {err['msg']}", code=CODE_INVALID)
                    )
    return providers, first_line, frozenset(refused - providers.keys())
