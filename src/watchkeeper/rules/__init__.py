"""Trade and shipping rules as data: banned goods by HS code, embargoed jurisdictions,
vessels named in advisories, and shipping red flags.

Each kind of rule is read from its own file and stored as a version, like a
list: a new UN resolution is a new file, not new code.
"""

from watchkeeper.rules.book import RULE_KINDS, RuleBook, RuleFile, parse_rule_file

__all__ = ["RULE_KINDS", "RuleBook", "RuleFile", "parse_rule_file"]
