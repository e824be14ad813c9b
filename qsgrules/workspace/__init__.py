"""Workspaces: the folder of CSV and YAML files a QSG keeps (ARCHITECTURE.md formats)."""

from .loader import Observations, Provider, SoftItem, Workspace, load_workspace

__all__ = ["Observations", "Provider", "SoftItem", "Workspace", "load_workspace"]
