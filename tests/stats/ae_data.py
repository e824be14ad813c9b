"""The vendored NHS England A&E data (data/nhs/, shipped with the repository)."""

from pathlib import Path

AE_CSV = Path(__file__).resolve().parents[2] / "data" / "nhs" / "ae_attendances.csv"
