"""Workspaces: the folder of CSV and YAML files a QSG keeps (ARCHITECTURE.md formats)."""

from .intelligence import Member, SoftItem
from .loader import Observations, Provider, Workspace, load_workspace

__all__ = ["Member", "Observations", "Provider", "SoftItem", "Workspace", "load_workspace"]
