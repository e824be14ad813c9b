"""The JSON contract is written by pydantic's serializer, byte for byte as json.dumps wrote it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from qsgrules.api import run_triage
from qsgrules.model.evidence import SoftFactor
from qsgrules.model.proposal import Lacking
from qsgrules.reports.render import dump_json, to_json


def _legacy(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False)


def test_the_demo_triage_is_as_json_dumps_wrote_it() -> None:
    result = run_triage()
    assert to_json(result) == _legacy(result) + "\n"


@pytest.mark.slow
@given(
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
    st.text(),
)
def test_any_number_and_text_are_written_as_json_dumps_writes_them(
    value: float, name: str, why: str
) -> None:
    factor = SoftFactor(name=name, value=value, why=why)
    assert dump_json(factor) == _legacy(factor)


@given(st.sampled_from([1e-05, -2.5e-05, 1e-07, 3.2e-300, 9.99e-05, 0.0001, 1e16, 1.5e-7]))
def test_small_and_large_numbers_keep_their_python_form(value: float) -> None:
    lacking = Lacking(condition="x ends 0.00001", needs=value, value=value, text="0.00001")
    assert dump_json(lacking) == _legacy(lacking)
