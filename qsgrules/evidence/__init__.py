"""From a workspace and a ruleset's settings to findings: hard breaches and soft scores."""
