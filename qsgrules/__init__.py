"""qsgrules: explained triage proposals for NHS Quality Surveillance Groups."""

__version__ = "0.1.0"
