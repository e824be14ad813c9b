"""Renderers: they read results, never raw files."""
