"""CHS1: type annotations (§2 Type System & Annotations, §11 API Design)."""
import ast
import logging
from typing import Dict, List, Optional, Tuple

from chris_style.context import FunctionInfo
from chris_style.engine import Family, at_end, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import (
    PACK_NOTE_FRAMEWORK_HOOKS,
    PACK_NOTE_NFKC,
    PACK_NOTE_TEST_FUNCTIONS,
    is_click_command,
    is_dunder,
    is_test_function,
)

logger = logging.getLogger(__name__)

_COMMON_EXEMPTIONS = (
    "dunder methods (and dunder module functions such as `__getattr__`)",
    "functions nested in functions, and methods of classes defined inside functions",
    "test functions (names starting with `test`) and pytest fixtures, in test files",
    "click commands and groups (`@click.command`, `@click.group`, `@<group>.command`, `@<group>.group`)",
    "public methods of classes with an external base (framework hooks such as `post` or `formatTime`)",
)

CHS101 = register(
    Rule(
        code="CHS101",
        message="missing return annotation on '{name}', which {verb} a value; add '-> <type>'",
        summary="function that returns or yields a value has no return annotation",
        section="§2 Type Hints Usage; §11 Return Value Conventions",
        what=(
            "Flags a function or method that returns a value (`return <expr>` other than `return None`, in its "
            "own body rather than in a nested function) or that yields, when it has no return annotation. "
            "The finding is on the `def` line, not on a decorator."
        ),
        why=(
            "The guide: \"Comprehensive type hints on function signatures, including return types\" and "
            "\"All functions have explicit return types in signatures\" (§11). A reader of "
            "`def get_capture_node_capacity_plan(expected_traffic: float, azs: List[str]) -> CaptureNodesPlan:` "
            "knows what comes back without reading the body."
        ),
        bad="def get_md5_of_file(file: LocalFile):\n    return hashlib.md5(file.read()).hexdigest()",
        good="def get_md5_of_file(file: LocalFile) -> str:\n    return hashlib.md5(file.read()).hexdigest()",
        exemptions=_COMMON_EXEMPTIONS,
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FUNCTIONS +
            " " +
            PACK_NOTE_FRAMEWORK_HOOKS +
            " A `yield` in a nested function's decorators or default values counts for the enclosing function in the "
            "plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="ANN201 / ANN202 / ANN206 (flake8-annotations' missing-return-type rules)",
        decisions=(
            "A class defined inside a function counts as nested: its methods are exempt. A generator needs an "
            "annotation too (`Iterator[...]`/`Generator[...]`)."
        ),
    )
)

CHS102 = register(
    Rule(
        code="CHS102",
        message="missing type annotation for parameter '{name}'; add ': <type>'",
        summary="parameter without a type annotation",
        section="§2 Type Hints Usage",
        what=(
            "Flags a function parameter (positional-only, regular or keyword-only) that has no annotation. "
            "The finding is on the parameter."
        ),
        why=(
            "The guide annotates every parameter: \"Comprehensive type hints on function signatures\" "
            "(`def invoke_expert(expert: Expert, task: PlaygroundTask) -> PlaygroundTask:`)."
        ),
        bad="def cmd_config_pull(profile, region: str) -> None:\n    ...",
        good="def cmd_config_pull(profile: str, region: str) -> None:\n    ...",
        exemptions=(
            "the first parameter of a method (`self`, `cls`, `mcs`), unless the method is a `@staticmethod`",
            "`*args` and `**kwargs`",
            "a parameter named `other` of a binary dunder method (`__eq__`, `__add__`, `__lt__`, ...)",
            "lambdas",
            "test functions and pytest fixtures in test files (their parameters are fixtures and mocks)",
            "click commands and groups (click supplies and converts the values)",
            "public methods of classes with an external base (the framework fixes their signature)",
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
        ruff="ANN001 (missing type annotation for function argument)",
        decisions=(
            "Dunder methods are not public hooks: `__init__(self, fmt)` on a `logging.Formatter` subclass still "
            "needs annotations, since the class's own code defines and calls them."
        ),
    )
)

_GENERIC_ALIASES = {
    "dict": "Dict",
    "list": "List",
    "set": "Set",
    "frozenset": "FrozenSet",
    "tuple": "Tuple",
    "type": "Type",
}
_BUILTIN_TYPE_LOOKALIKES = {"any": "Any", "callable": "Callable"}
_BINARY_DUNDERS = frozenset(
    f"__{prefix}{name}__"
    for name in (
        "add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow", "lshift", "rshift",
        "and", "xor", "or",
    )
    for prefix in ("", "r", "i")
) | frozenset(f"__{name}__" for name in ("eq", "ne", "lt", "le", "gt", "ge", "contains"))

CHS103 = register(
    Rule(
        code="CHS103",
        message="use typing.{alias} instead of builtin {builtin}[...] in annotations",
        summary="builtin generic (`dict[...]`, `list[...]`, ...) subscripted in an annotation",
        section="§2 Typing Module Constructs",
        what=(
            "Flags `dict[...]`, `list[...]`, `set[...]`, `frozenset[...]`, `tuple[...]` and `type[...]` in any "
            "annotation: parameters, return types and annotated assignments, at any depth "
            "(`Optional[list[str]]`), and inside string annotations. Bare `dict`/`list` are fine. The finding is "
            "on the subscript; inside a plain one-line string annotation it is on the exact spot in the string, "
            "otherwise on the string."
        ),
        why=(
            "The guide \"prefers explicit imports from typing module rather than PEP 585 built-in generics\": "
            "`from typing import Dict, Any, Callable, Type`. One spelling across a codebase reads faster."
        ),
        bad="def summarize(events: list[dict[str, Any]]) -> dict[str, int]:\n    ...",
        good=(
            "from typing import Any, Dict, List\n\n\n"
            "def summarize(events: List[Dict[str, Any]]) -> Dict[str, int]:\n    ..."
        ),
        exemptions=("arguments of `Literal[...]` and the metadata of `Annotated[...]`, which are not types",),
        mirror="partial",
        mirror_notes=(
            "String annotations are not looked into: the pack misses every finding the plugin makes inside a string "
            "annotation (`\"list[int]\"`, `Optional[\"set[str]\"]`, `\"Optional['list[int]']\"`). " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff's UP006 enforces the opposite; ignore UP006 and UP035 for this guide",
    )
)

CHS104 = register(
    Rule(
        code="CHS104",
        message="use typing.{alias} instead of the builtin {builtin} in annotations",
        summary="builtin function `any` or `callable` used as a type",
        section="§2 Typing Module Constructs",
        what=(
            "Flags the builtin functions `any` and `callable` used as types in an annotation, as in "
            "`Dict[str, any]`. Names rebound by an import in the file (`from typing import Any as any`) are "
            "left alone."
        ),
        why=(
            "`any` is a function, not a type: type checkers reject `Dict[str, any]`. The guide's typing "
            "imports (`from typing import Dict, Any, Callable, Type`) give the real types; the guide's own "
            "`input: Dict[str, any]` is the slip this rule catches."
        ),
        bad="def from_dict(cls, input: Dict[str, any]) -> 'ClusterPlan':\n    ...",
        good="def from_dict(cls, input: Dict[str, Any]) -> 'ClusterPlan':\n    ...",
        mirror="partial",
        mirror_notes=(
            "String annotations are not looked into: the pack misses every finding the plugin makes inside a string "
            "annotation (`\"Dict[str, any]\"`, `Dict[str, \"any\"]`). " +
            PACK_NOTE_NFKC
        ),
        ruff="none (type checkers report it: mypy 'Function \"builtins.any\" is not valid as a type')",
    )
)

CHS150 = register(
    Rule(
        code="CHS150",
        message="missing '-> None' on '{name}', which returns nothing",
        summary="strict: function that returns nothing lacks `-> None`",
        section="§2 Type Hints Usage; §11 Return Value Conventions",
        what=(
            "Opt-in. Flags a function that neither returns a value nor yields (so CHS101 does not apply) and "
            "has no return annotation. The finding is on the `def` line."
        ),
        why=(
            "The guide's return types are explicit (\"All functions have explicit return types in "
            "signatures\", §11); `-> None` also tells type checkers to check the body. It is opt-in because "
            "the guide's own code often leaves `-> None` out (`def generate(self):`)."
        ),
        bad="def set_work_item(self, new_work_item: Any):\n    self.work_item = new_work_item",
        good="def set_work_item(self, new_work_item: Any) -> None:\n    self.work_item = new_work_item",
        exemptions=_COMMON_EXEMPTIONS,
        options=("chs-test-files",),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_TEST_FUNCTIONS +
            " " +
            PACK_NOTE_FRAMEWORK_HOOKS +
            " A `yield` in a nested function's decorators or default values counts for the enclosing function in the "
            "plugin only. " +
            PACK_NOTE_NFKC
        ),
        ruff="ANN201 / ANN202 (they flag missing `-> None` too)",
    )
)


class TypingRules(Family):
    rules = (CHS101, CHS102, CHS103, CHS104, CHS150)

    def setup(self) -> None:
        self._lookalikes: List[Tuple[Tuple[int, int], str]] = []
        self._set_elsewhere: Dict[int, bool] = {}

    def _functions(self) -> List[FunctionInfo]:
        """Functions and methods (not lambdas), from the engine's collector."""
        return [info for info in self.file.functions.values() if not isinstance(info.node, ast.Lambda)]

    # -- CHS101, CHS150 ---------------------------------------------------------------------------------

    def _signature_set_elsewhere(self, info: FunctionInfo) -> bool:
        """Test functions and fixtures, click commands, framework hooks: someone else owns the signature."""
        verdict = self._set_elsewhere.get(id(info.node))
        if verdict is None:
            node = info.node
            verdict = is_test_function(node, self.file) or is_click_command(node) or info.is_public_hook(self.file)
            self._set_elsewhere[id(node)] = verdict
        return verdict

    def _return_rules_apply(self, info: FunctionInfo) -> bool:
        node = info.node
        return not (
            node.returns is not None  # type: ignore[attr-defined]
            or is_dunder(node.name)  # type: ignore[attr-defined]
            or info.nested_in_function
            or self._signature_set_elsewhere(info)
        )

    @at_end(code="CHS101")
    def missing_return_annotation(self) -> None:
        for info in self._functions():
            if (info.returns_value or info.yields) and self._return_rules_apply(info):
                verb = "yields" if info.yields and not info.returns_value else "returns"
                self.report(CHS101, info.node, name=info.node.name, verb=verb)  # type: ignore[attr-defined]

    @at_end(code="CHS150")
    def missing_none_annotation(self) -> None:
        for info in self._functions():
            if not (info.returns_value or info.yields) and self._return_rules_apply(info):
                self.report(CHS150, info.node, name=info.node.name)  # type: ignore[attr-defined]

    # -- CHS102 -----------------------------------------------------------------------------------------

    @at_end(code="CHS102")
    def missing_parameter_annotation(self) -> None:
        for info in self._functions():
            node = info.node
            if self._signature_set_elsewhere(info):
                continue
            arguments = node.args  # type: ignore[attr-defined]
            positional = [*arguments.posonlyargs, *arguments.args]
            if positional and info.owner_class is not None and not _is_staticmethod(node):
                positional = positional[1:]
            binary_dunder = node.name in _BINARY_DUNDERS  # type: ignore[attr-defined]
            for argument in [*positional, *arguments.kwonlyargs]:
                if argument.annotation is None and not (binary_dunder and argument.arg == "other"):
                    self.report(CHS102, argument, name=argument.arg)

    # -- CHS103, CHS104 ---------------------------------------------------------------------------------

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, code="CHS103,CHS104")
    def function_annotations(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        arguments = node.args  # type: ignore[attr-defined]
        for argument in (*arguments.posonlyargs, *arguments.args, arguments.vararg, *arguments.kwonlyargs,
                         arguments.kwarg):
            if argument is not None and argument.annotation is not None:
                self._check_annotation(argument.annotation)
        if node.returns is not None:  # type: ignore[attr-defined]
            self._check_annotation(node.returns)  # type: ignore[attr-defined]

    @visits(ast.AnnAssign, code="CHS103,CHS104")
    def variable_annotation(self, node: ast.AnnAssign, parent: Optional[ast.AST]) -> None:
        self._check_annotation(node.annotation)

    def _check_annotation(self, annotation: ast.expr) -> None:
        # Annotations are small expressions: this loop visits each of their nodes once more. Each entry
        # carries the string annotation it was parsed from (None for real source nodes) and whether its
        # offsets are relative to that string (False for strings nested in strings: reported on the string).
        pending: List[Tuple[ast.AST, Optional[ast.Constant], bool]] = [(annotation, None, True)]
        while pending:
            node, in_string, exact = pending.pop()
            if isinstance(node, ast.Subscript):
                outer = _last_name(node.value)
                if isinstance(node.value, ast.Name) and node.value.id in _GENERIC_ALIASES:
                    builtin = node.value.id
                    self.report(CHS103, self._position(node, in_string, exact), alias=_GENERIC_ALIASES[builtin],
                                builtin=builtin)
                pending.append((node.value, in_string, exact))
                if outer == "Literal":
                    continue
                slice_ = node.slice
                if outer == "Annotated" and isinstance(slice_, ast.Tuple) and slice_.elts:
                    slice_ = slice_.elts[0]
                pending.append((slice_, in_string, exact))
            elif isinstance(node, ast.Name):
                if node.id in _BUILTIN_TYPE_LOOKALIKES:
                    self._lookalikes.append((self._position(node, in_string, exact), node.id))
            elif isinstance(node, ast.Constant):
                if isinstance(node.value, str):
                    parsed = _parse_annotation_string(node.value)
                    if parsed is not None:
                        pending.append((parsed, in_string or node, in_string is None))
            elif isinstance(node, ast.expr):
                pending.extend((child, in_string, exact) for child in ast.iter_child_nodes(node))

    @at_end(code="CHS104")
    def builtin_lookalikes(self) -> None:
        for position, builtin in self._lookalikes:
            if builtin not in self.file.imports:
                self.report(CHS104, position, alias=_BUILTIN_TYPE_LOOKALIKES[builtin],
                            builtin=builtin)

    def _position(self, node: ast.AST, in_string: Optional[ast.Constant], exact: bool = True) -> Tuple[int, int]:
        """Where to report ``node``; for a node parsed out of a string annotation, its spot in the source."""
        if in_string is None:
            return node.lineno, node.col_offset  # type: ignore[attr-defined]
        fallback = (in_string.lineno, in_string.col_offset)
        if not exact or node.lineno != 1 or in_string.end_lineno != in_string.lineno:  # type: ignore[attr-defined]
            return fallback
        source = self.file.line(in_string.lineno).encode("utf-8")
        literal = source[in_string.col_offset:in_string.end_col_offset]
        for quote in (b'"""', b"'''", b'"', b"'"):
            if literal.startswith(quote) and literal.endswith(quote) and len(literal) >= 2 * len(quote):
                body = literal[len(quote):-len(quote)]
                if body.decode("utf-8", "replace") != in_string.value:
                    return fallback  # Escapes or a prefix: the parsed offsets do not map onto the source
                # The text was parsed stripped, and str.strip also drops non-ASCII spaces (U+00A0): count in bytes
                text = in_string.value
                indent = len(text[:len(text) - len(text.lstrip())].encode("utf-8"))
                return in_string.lineno, in_string.col_offset + len(quote) + indent + node.col_offset  # type: ignore
        return fallback


def _parse_annotation_string(text: str) -> Optional[ast.expr]:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _last_name(node: ast.AST) -> Optional[str]:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_staticmethod(node: ast.AST) -> bool:
    return any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
        or isinstance(decorator, ast.Attribute) and decorator.attr == "staticmethod"
        for decorator in node.decorator_list  # type: ignore[attr-defined]
    )
