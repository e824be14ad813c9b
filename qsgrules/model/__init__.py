"""Pydantic types shared across layers."""

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """Base for every input and output type: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


__all__ = ["Model"]
