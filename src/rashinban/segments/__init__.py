"""The segment rule language: parse, print, describe and compile segment rules.

>>> from rashinban.segments import parse_rule
>>> parse_rule("industry = 製造業 and employees >= 100").describe("en")
'industry is 製造業, and employees at least 100'
"""

from rashinban.segments._match import require_accounts
from rashinban.segments._parser import parse_rule
from rashinban.segments._rules import And, Cond, Not, Or, Rule, Value

__all__ = ["And", "Cond", "Not", "Or", "Rule", "Value", "parse_rule", "require_accounts"]
