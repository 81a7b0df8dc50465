"""CHS2: naming (§6 Naming Conventions, §1 Package Naming)."""
import ast
import logging
import os
import re
from typing import Dict, List, Optional, Set, Tuple

from chris_style.engine import Family, Position, at_end, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import (
    PACK_NOTE_FRAMEWORK_HOOKS,
    PACK_NOTE_NFKC,
    PACK_NOTE_TEST_FUNCTIONS,
    is_snake_case,
    is_test_function,
)

logger = logging.getLogger(__name__)

# Lower-case module-level names that frameworks require under exactly that name.
FRAMEWORK_MODULE_NAMES = frozenset({"pytest_plugins", "app_name", "default_app_config"})
MODULE_NAME_EXEMPT_FILES = frozenset({"__init__.py", "__main__.py", "conftest.py"})
# Pattern-matching captures (Python 3.10+): `case Point(x=X)`, `case [*rest]`, `case {**rest}`.
_MATCH_CAPTURES = tuple(
    getattr(ast, name) for name in ("MatchAs", "MatchStar", "MatchMapping") if hasattr(ast, name)
)

CHS201 = register(
    Rule(
        code="CHS201",
        message="function name '{name}' should be snake_case",
        summary="function or method name not snake_case",
        section="§6 Naming Conventions (Variables & Functions)",
        what=(
            "Flags a function or method whose name contains an upper-case letter. Leading and trailing "
            "underscores are fine (`_validate`, `__init__`). The finding is on the `def` line."
        ),
        why="The guide: \"`snake_case` for variables and functions\" (`get_capture_node_capacity_plan`).",
        bad="def getCapacityPlan(expected_traffic: float) -> CapacityPlan:\n    ...",
        good="def get_capacity_plan(expected_traffic: float) -> CapacityPlan:\n    ...",
        exemptions=(
            "public methods of classes with an external base (framework hooks: `setUp`, `formatTime`, "
            "`visit_Name`)",
            "test functions in test files (names starting with `test`): their shape is CHS501's business, and "
            "the guide's own `test_WHEN_..._THEN_...` names are not snake_case",
        ),
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FUNCTIONS +
            " " +
            PACK_NOTE_FRAMEWORK_HOOKS +
            " " +
            PACK_NOTE_NFKC
        ),
        ruff="N802 (invalid-function-name)",
    )
)

CHS202 = register(
    Rule(
        code="CHS202",
        message="class name '{name}' should be PascalCase",
        summary="class name not PascalCase",
        section="§6 Naming Conventions (Classes)",
        what=(
            "Flags a class whose name (after any leading underscores) does not start with an upper-case letter "
            "or contains an underscore. Acronyms are fine (`RESTClient`), and so is an underscore between two "
            "digits (`TransformerV1_1_0View`)."
        ),
        why="The guide: \"`PascalCase` for classes\" (`CaptureNodesPlan`, `AwsClientProvider`, `RESTPath`).",
        bad="class capture_nodes_plan:\n    ...",
        good="class CaptureNodesPlan:\n    ...",
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_NFKC
        ),
        ruff="N801 (invalid-class-name)",
    )
)

CHS203 = register(
    Rule(
        code="CHS203",
        message="module-level constant '{name}' should be SCREAMING_SNAKE_CASE",
        summary="module-level constant not SCREAMING_SNAKE_CASE",
        section="§6 Naming Conventions (Constants); §12 Module-Level Constants",
        what=(
            "Flags a module-level name that is bound exactly once in the module, to a constant value, when the "
            "name has lower-case letters. Constant values are: numbers, strings, bytes and booleans (negated "
            "numbers too); non-empty list, tuple, set and dict literals made only of such values (nested "
            "containers included); and arithmetic or concatenation of such values and other constants "
            "(SCREAMING_SNAKE_CASE names or names this rule already treats as constants). The finding is on "
            "the assignment target."
        ),
        why=(
            "The guide: \"`SCREAMING_SNAKE_CASE` for module-level constants\" (`MAX_TRAFFIC = 100`, "
            "`DEFAULT_SPI_DAYS`), defined \"at module top, right after imports\" (§12)."
        ),
        bad="max_traffic = 100  # Gbps",
        good="MAX_TRAFFIC = 100  # Gbps",
        exemptions=(
            "names ending in `_template` (the guide's prompt templates: `analyze_prompt_template = \"\"\"...\"\"\"`)",
            "dunder names (`__all__`, `__version__`)",
            "names bound more than once anywhere in the module, or declared `global` in a function (state, not "
            "constants)",
            "type aliases: assignments annotated `TypeAlias`",
            "names that frameworks require in lower case: `pytest_plugins`, `app_name`, `default_app_config`",
            "`None`, empty containers and anything computed by a call (`logger = logging.getLogger(...)`)",
        ),
        mirror="partial",
        mirror_notes=(
            "A value that uses a lower-case module constant counts as constant in the pack only when that constant's "
            "own value is made of literals and SCREAMING_SNAKE_CASE names: longer chains (`a = 1`, `b = a + 1`, `c = b "
            "+ 1`: `c`) are flagged by the plugin only, and the pack does not require the lower-case constant to be "
            "bound above its use (`b = a + 1` above `a = 1`: `b` is flagged by the pack only). A name repeated among "
            "the targets of one chained assignment (`a = a = 1`) is flagged by the pack only; a `:=` in the decorators "
            "or default values of a module-level function rebinds a module name for the plugin only. Letters whose "
            "upper-case mapping changed between the Unicode versions of Python and ast-grep (e.g. `ƛ`) can be judged "
            "differently. " +
            PACK_NOTE_NFKC
        ),
        ruff="none (pep8-naming checks only the opposite direction); closest is N816",
        decisions=(
            "A container of constant names (`WEEKDAYS = (MONDAY, TUESDAY)`) counts as a constant, like "
            "arithmetic of constants does; a plain alias (`timeout = DEFAULT_TIMEOUT`) does not."
        ),
    )
)

CHS204 = register(
    Rule(
        code="CHS204",
        message="module file name '{name}' should be snake_case",
        summary="module file name not snake_case",
        section="§1 Package Naming",
        what=(
            "Flags a `.py`/`.pyi` file whose name (without the suffix) is not a lower-case Python identifier, "
            "such as `CapacityPlanning.py` or `capacity-planning.py`. Reported at 1:1. Files without a Python "
            "suffix (scripts passed by name) and standard input are not checked."
        ),
        why=(
            "The guide: \"`snake_case` for packages/modules, descriptive and specific\" (`aws_interactions`, "
            "`capacity_planning`)."
        ),
        bad="core/CapacityPlanning.py",
        good="core/capacity_planning.py",
        exemptions=("`__init__.py`, `__main__.py`, `conftest.py`",),
        mirror="none",
        ruff="N999 (invalid-module-name)",
    )
)

CHS205 = register(
    Rule(
        code="CHS205",
        message="local name '{name}' should be snake_case",
        summary="local variable or parameter name not snake_case",
        section="§6 Naming Conventions (Variables & Functions)",
        what=(
            "Flags a parameter, or a name bound inside a function by assignment (plain, annotated, augmented, "
            "`:=`), `for`, `with ... as`, `except ... as`, `match` captures or a comprehension, when it has an "
            "upper-case letter. Comprehension targets are checked everywhere, as they are local to the "
            "comprehension. The finding is on the name."
        ),
        why="The guide: \"`snake_case` for variables and functions\" (`expected_traffic`, `cluster_name`).",
        bad="def _line(self, name: str, oldVal: UserVal) -> str:\n    newLine = f\"{name}: {oldVal}\"",
        good="def _line(self, name: str, old_val: UserVal) -> str:\n    new_line = f\"{name}: {old_val}\"",
        exemptions=(
            "class-level attributes and dataclass fields (camelCase fields mirror JSON)",
            "`_`",
            "names declared `global` or `nonlocal` in the function (they are not locals)",
            "parameters of public methods of classes with an external base (the framework names them)",
        ),
        mirror="partial",
        mirror_notes=(
            "Parameters of framework hooks: the pack cannot classify imports, so it counts a base as external when its "
            "first name is bound by an absolute import statement outside function and class bodies (relative imports "
            "are first-party; marker bases as in the plugin), directly or through at most two classes defined outside "
            "function and class bodies. So the pack exempts the parameters of public methods the plugin checks when "
            "the base comes from a first-party module imported by absolute name (auto-detected or named in "
            "`chs-first-party`), and checks the ones the plugin exempts when the external base is reached only through "
            "an import inside a function or class body, through three or more classes of the file, or through a class "
            "defined inside a function or class. A `:=` in a function's decorators or default values binds in the "
            "enclosing scope for the plugin and in the function for the pack. " +
            PACK_NOTE_NFKC
        ),
        ruff="N803 (argument name) and N806 (variable in function)",
    )
)


class NamingRules(Family):
    rules = (CHS201, CHS202, CHS203, CHS204, CHS205)

    def setup(self) -> None:
        self._module_bindings: Dict[str, int] = {}
        self._constant_candidates: List[Tuple[ast.Name, ast.expr]] = []
        self._declared_global: Set[str] = set()
        self._function_locals: Dict[int, Set[str]] = {}  # id(function) -> names declared global/nonlocal in it

    # -- CHS201, CHS202, CHS204 ------------------------------------------------------------------------

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    def function(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        if not isinstance(node, ast.Lambda) and self.walk.at_module_level:
            self._bind(node.name)  # type: ignore[attr-defined]

    @at_end(code="CHS201")
    def function_names(self) -> None:
        for info in self.file.functions.values():
            node = info.node
            if isinstance(node, ast.Lambda) or is_snake_case(node.name):  # type: ignore[attr-defined]
                continue
            if is_test_function(node, self.file) or info.is_public_hook(self.file):
                continue
            self.report(CHS201, node, name=node.name)  # type: ignore[attr-defined]

    @visits(ast.ClassDef, code="CHS202")
    def class_name(self, node: ast.ClassDef, parent: Optional[ast.AST]) -> None:
        if self.walk.at_module_level:
            self._bind(node.name)
        if not is_pascal_case(node.name):
            self.report(CHS202, node, name=node.name)

    @at_end(code="CHS204")
    def module_name(self) -> None:
        if self.file.is_stdin or self.file.basename in MODULE_NAME_EXEMPT_FILES:
            return
        stem, suffix = os.path.splitext(self.file.basename)
        if suffix in (".py", ".pyi") and not (stem.isidentifier() and is_snake_case(stem)):
            self.report(CHS204, (1, 0), name=self.file.basename)

    # -- bindings: CHS203 (module level) and CHS205 (in functions) --------------------------------------

    @visits(ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor, ast.NamedExpr)
    def assignment(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        if isinstance(node, ast.Assign):
            targets = node.targets
        else:
            targets = [node.target]  # type: ignore[attr-defined]
        if isinstance(node, ast.AnnAssign) and node.value is None:
            return  # A bare annotation binds nothing
        for target in targets:
            for name in _bound_names(target):
                self._bind_name(name)
        if self.walk.at_module_level and isinstance(node, (ast.Assign, ast.AnnAssign)):
            if isinstance(node, ast.AnnAssign) and _is_type_alias_annotation(node.annotation):
                return
            for target in targets:
                if isinstance(target, ast.Name):
                    self._constant_candidates.append((target, node.value))  # type: ignore[arg-type]

    @visits(ast.withitem)
    def with_item(self, node: ast.withitem, parent: Optional[ast.AST]) -> None:
        if node.optional_vars is not None:
            for name in _bound_names(node.optional_vars):
                self._bind_name(name)

    @visits(ast.ExceptHandler)
    def except_handler(self, node: ast.ExceptHandler, parent: Optional[ast.AST]) -> None:
        if node.name:
            self._bind_identifier(node.name, node)

    @visits(*_MATCH_CAPTURES)
    def match_capture(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        name = getattr(node, "name", None) or getattr(node, "rest", None)
        if name:
            self._bind_identifier(name, node)

    @visits(ast.comprehension, code="CHS205")
    def comprehension(self, node: ast.comprehension, parent: Optional[ast.AST]) -> None:
        for name in _bound_names(node.target):
            if not is_snake_case(name.id):
                self.report(CHS205, name, name=name.id)

    @visits(ast.Import, ast.ImportFrom)
    def import_(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        if self.walk.at_module_level:
            for alias in node.names:  # type: ignore[attr-defined]
                self._bind((alias.asname or alias.name).split(".", 1)[0])

    @visits(ast.Global, ast.Nonlocal)
    def global_(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        function = self.walk.function
        if function is not None:
            self._function_locals.setdefault(id(function), set()).update(node.names)  # type: ignore
        if isinstance(node, ast.Global):
            self._declared_global.update(node.names)

    def _bind_name(self, name: ast.Name) -> None:
        self._bind_identifier(name.id, name)

    def _bind_identifier(self, identifier: str, at: ast.AST) -> None:
        if self.walk.at_module_level:
            self._bind(identifier)
            return
        function = self.walk.function
        if function is None:
            return  # Class bodies: attributes and dataclass fields are exempt
        if is_snake_case(identifier) or identifier in self._function_locals.get(id(function), ()):
            return
        self.report(CHS205, self._identifier_position(identifier, at), name=identifier)

    def _identifier_position(self, identifier: str, at: ast.AST) -> Position:
        """Where the name stands: ``except ... as name`` and some match captures have no node of their own."""
        fallback = (at.lineno, at.col_offset)  # type: ignore[attr-defined]
        search = _identifier_search(at)
        if search is None:
            return fallback
        before, (first_line, first_column), last_line = search
        pieces: List[Tuple[int, int, str]] = []  # (line, byte column the text starts at, text)
        for number in range(first_line, last_line + 1):
            column = first_column if number == first_line else 0
            source = self.file.line(number).encode("utf-8")
            pieces.append((number, column, source[column:].decode("utf-8", "replace")))
        pattern = before + r"[\s\\]*(" + re.escape(identifier) + r")(?!\w)"
        found = re.search(pattern, "".join(text for _, _, text in pieces))
        if found is None:
            return fallback  # The source is not at hand (or does not match the tree)
        offset = found.start(1)
        for number, column, text in pieces:
            if offset < len(text):
                return number, column + len(text[:offset].encode("utf-8"))
            offset -= len(text)
        return fallback

    def _bind(self, identifier: str) -> None:
        self._module_bindings[identifier] = self._module_bindings.get(identifier, 0) + 1

    @at_end(code="CHS205")
    def parameter_names(self) -> None:
        for info in self.file.functions.values():
            arguments = info.node.args  # type: ignore[attr-defined]
            parameters = [*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs,
                          arguments.kwarg]
            bad = [parameter for parameter in parameters if parameter is not None and not is_snake_case(parameter.arg)]
            if not bad or (not isinstance(info.node, ast.Lambda) and info.is_public_hook(self.file)):
                continue
            for parameter in bad:
                self.report(CHS205, parameter, name=parameter.arg)

    @at_end(code="CHS203")
    def module_constants(self) -> None:
        constants: Set[str] = set()
        for target, value in self._constant_candidates:
            name = target.id
            if self._module_bindings.get(name, 0) != 1 or name in self._declared_global:
                continue
            if not is_constant_value(value, constants):
                continue
            constants.add(name)
            if _is_constant_name_exempt(name) or is_screaming_snake_case(name):
                continue
            self.report(CHS203, target, name=name)


def is_pascal_case(name: str) -> bool:
    """Upper-case first letter (after leading underscores); underscores only between two digits."""
    stripped = name.lstrip("_")
    if not stripped or not stripped[0].isupper():
        return False
    for index, char in enumerate(stripped):
        if char == "_":
            before = stripped[index - 1]
            after = stripped[index + 1] if index + 1 < len(stripped) else ""
            if not (before.isdigit() and after.isdigit()):
                return False
        elif not char.isalnum():
            return False
    return True


def is_screaming_snake_case(name: str) -> bool:
    return name == name.upper()


def is_constant_value(value: ast.expr, known_constants: Set[str]) -> bool:
    """Literal numbers/strings/bytes/bools, non-empty containers of them, and arithmetic of constants."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        if not (value.keys if isinstance(value, ast.Dict) else value.elts):
            return False  # An empty container is usually filled later: state, not a constant
    pending: List[ast.AST] = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Constant):
            if node.value is None or node.value is Ellipsis:
                return False
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)):
            pending.append(node.operand)
        elif isinstance(node, ast.BinOp):
            pending.extend((node.left, node.right))
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            pending.extend(node.elts)
        elif isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                return False
            pending.extend(node.keys)  # type: ignore[arg-type]
            pending.extend(node.values)
        elif isinstance(node, ast.Name):
            if node is value or not (node.id in known_constants or (
                    is_screaming_snake_case(node.id) and any(char.isalpha() for char in node.id))):
                return False
        else:
            return False
    return True


def _bound_names(target: ast.AST) -> List[ast.Name]:
    names: List[ast.Name] = []
    pending: List[ast.AST] = [target]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Name):
            names.append(node)
        elif isinstance(node, (ast.Tuple, ast.List)):
            pending.extend(reversed(node.elts))
        elif isinstance(node, ast.Starred):
            pending.append(node.value)
    return names


def _identifier_search(node: ast.AST) -> Optional[Tuple[str, Position, int]]:
    """For a binding whose name has no node: the regex before the name, where to start looking, the last line."""
    kind = type(node).__name__
    if isinstance(node, ast.ExceptHandler) and node.type is not None:  # except ... as name
        return r"\bas", _end(node.type), node.body[0].lineno
    if kind == "MatchAs" and node.pattern is not None:  # type: ignore[attr-defined]  # case <pattern> as name
        return r"\bas", _end(node.pattern), node.end_lineno  # type: ignore[attr-defined]
    if kind == "MatchStar":  # case [*name]
        return r"\*", (node.lineno, node.col_offset), node.end_lineno  # type: ignore[attr-defined]
    if kind == "MatchMapping":  # case {..., **name}
        patterns = node.patterns  # type: ignore[attr-defined]
        start = _end(patterns[-1]) if patterns else (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        return r"\*\*", start, node.end_lineno  # type: ignore[attr-defined]
    return None


def _end(node: ast.AST) -> Position:
    return node.end_lineno, node.end_col_offset  # type: ignore[attr-defined,return-value]


def _is_constant_name_exempt(name: str) -> bool:
    return name.endswith("_template") or (name.startswith("__") and name.endswith("__")) or (
        name in FRAMEWORK_MODULE_NAMES
    )


def _is_type_alias_annotation(annotation: ast.expr) -> bool:
    return (isinstance(annotation, ast.Name) and annotation.id == "TypeAlias") or (
        isinstance(annotation, ast.Attribute) and annotation.attr == "TypeAlias"
    )
