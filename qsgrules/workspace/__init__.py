"""Workspaces: the folder of CSV and YAML files a QSG keeps (ARCHITECTURE.md formats)."""

from ..model.observations import Observations
from ..model.workspace import Member, Provider, SoftItem, Workspace
from .loader import load_workspace

__all__ = ["Member", "Observations", "Provider", "SoftItem", "Workspace", "load_workspace"]
