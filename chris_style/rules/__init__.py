"""The rule families. Importing this package registers every rule; FAMILIES is what the engine runs."""
from typing import List, Type

from chris_style.engine import Family
from chris_style.rules.constants_docs import ConstantsDocsRules
from chris_style.rules.design import DesignRules
from chris_style.rules.errors_logging import ErrorLoggingRules
from chris_style.rules.idioms import IdiomRules
from chris_style.rules.import_order import ImportRules
from chris_style.rules.naming import NamingRules
from chris_style.rules.packaging import PackagingRules
from chris_style.rules.testing import TestingRules
from chris_style.rules.typing_rules import TypingRules

FAMILIES: List[Type[Family]] = [
    TypingRules, NamingRules, ImportRules, ErrorLoggingRules, TestingRules, ConstantsDocsRules, IdiomRules,
    DesignRules, PackagingRules,
]
