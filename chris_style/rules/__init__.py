"""The rule families. Importing this package registers every rule; FAMILIES is what the engine runs."""
from typing import List, Type

from chris_style.engine import Family
from chris_style.rules.import_order import ImportRules
from chris_style.rules.naming import NamingRules
from chris_style.rules.typing_rules import TypingRules

FAMILIES: List[Type[Family]] = [TypingRules, NamingRules, ImportRules]
