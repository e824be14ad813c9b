"""The pydantic base of every input and output type."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base for every input and output type: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
