"""Rulesets: YAML schema, loading with source positions, compiled conditions."""

from .loader import CompiledRule, CompiledRuleset, load_ruleset, parse_ruleset

__all__ = ["CompiledRule", "CompiledRuleset", "load_ruleset", "parse_ruleset"]
