"""The engine: one iterative traversal per file, dispatching each node to the rule families that asked for it.

A *family* is a class grouping related rules (``chris_style/rules/*.py``). Its methods declare what they
look at with ``@visits(NodeType, ..., code=...)`` and are called once per such node with the node and its
parent; ``walk.scopes`` holds the enclosing functions, lambdas and classes (innermost last) while they run.
Methods marked ``@at_end(code=...)`` run once after the traversal, when the whole file is known.

The traversal is a loop over an explicit stack (no recursion, so no depth limit beyond ``ast.parse``'s
own). Nodes come in source order. A function's decorators, arguments and annotations are visited in the
enclosing scope; only its body is inside it, as Python evaluates them.

A rule that raises is reported once as ``CHS000 internal error in <code>: <exception>`` at 1:1 and is
switched off for the rest of that file; the other rules and files carry on.
"""
import ast
import logging
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Dict, FrozenSet, List, Optional, Sequence, Tuple, Type, Union

from chris_style.context import FileContext
from chris_style.registry import Rule

logger = logging.getLogger(__name__)

INTERNAL_ERROR_CODE = "CHS000"
Position = Tuple[int, int]
Finding = Tuple[int, int, str]  # (line, 0-based column in UTF-8 bytes, "CHS### message")
Handler = Callable[[Any, Optional[ast.AST]], None]

# Fields that never hold child nodes; skipping them saves a getattr and a push per node.
_SCALAR_FIELDS = frozenset(
    {
        "ctx", "id", "arg", "attr", "kind", "type_comment", "module", "level", "asname", "conversion",
        "is_async", "simple", "tag", "op", "ops", "kwd_attrs", "rest", "lineno", "col_offset",
        "end_lineno", "end_col_offset",
    }
)
_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class _Enter:
    __slots__ = ("scope",)

    def __init__(self, scope: ast.AST):
        self.scope = scope


class _Exit:
    __slots__ = ()


_EXIT = _Exit()


def _child_fields(node_type: type) -> Optional[Tuple[str, ...]]:
    """Fields to descend into, reversed so that popping the stack yields source order; None for scopes."""
    if node_type in _SCOPE_TYPES or node_type in (_Enter, _Exit):
        return None
    if node_type in (ast.Constant, ast.Global, ast.Nonlocal, type(None)):
        return ()
    fields = [name for name in getattr(node_type, "_fields", ()) if name not in _SCALAR_FIELDS]
    if node_type.__name__ not in ("TypeAlias", "NamedExpr"):
        fields = [name for name in fields if name != "name"]
    return tuple(reversed(fields))


def _field_table() -> Dict[type, Optional[Tuple[str, ...]]]:
    table: Dict[type, Optional[Tuple[str, ...]]] = {type(None): ()}
    pending = [ast.AST]
    while pending:
        node_type = pending.pop()
        table[node_type] = _child_fields(node_type)
        pending.extend(node_type.__subclasses__())
    table[_Enter] = None
    table[_Exit] = None
    return table


_FIELDS = _field_table()
# The order in which a scope node's own fields are visited, all in the enclosing scope.
_SCOPE_OUTER_FIELDS = {
    ast.FunctionDef: ("decorator_list", "type_params", "args", "returns"),
    ast.AsyncFunctionDef: ("decorator_list", "type_params", "args", "returns"),
    ast.ClassDef: ("decorator_list", "type_params", "bases", "keywords"),
    ast.Lambda: ("args",),
}


def visits(*node_types: type, code: Optional[str] = None) -> Callable[[Handler], Handler]:
    """Mark a family method as a handler for these node types, on behalf of ``code`` (or the family)."""

    def mark(method: Handler) -> Handler:
        method._chs_visits = (node_types, code)  # type: ignore[attr-defined]
        return method

    return mark


def at_end(code: Optional[str] = None) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Mark a family method to run once after the traversal, on behalf of ``code`` (or the family)."""

    def mark(method: Callable[[Any], None]) -> Callable[[Any], None]:
        method._chs_at_end = code  # type: ignore[attr-defined]
        return method

    return mark


class Walk:
    """The traversal's live state, readable by handlers while they run."""

    def __init__(self) -> None:
        self.scopes: List[ast.AST] = []

    @property
    def function(self) -> Optional[ast.AST]:
        """The innermost enclosing function or lambda, if the innermost scope is one."""
        if self.scopes and isinstance(self.scopes[-1], _FUNCTION_TYPES):
            return self.scopes[-1]
        return None

    @property
    def at_module_level(self) -> bool:
        return not self.scopes


class Family:
    """Base class of a rule family. Subclasses set ``rules`` and mark methods with ``visits``/``at_end``."""

    rules: ClassVar[Tuple[Rule, ...]] = ()
    runs_on: ClassVar[str] = "all"  # "all", "tests" (test files only) or "non-tests"

    def __init__(self, file: FileContext, walk: Walk, findings: List[Finding]):
        self.file = file
        self.walk = walk
        self._findings = findings
        self.setup()

    def setup(self) -> None:
        """Per-file state: families override this instead of ``__init__``."""

    @classmethod
    def applies_to(cls, file: FileContext) -> bool:
        if cls.runs_on == "tests":
            return file.is_test
        if cls.runs_on == "non-tests":
            return not file.is_test
        return True

    @classmethod
    def label(cls) -> str:
        return ",".join(rule.code for rule in cls.rules) or cls.__name__

    def report(self, rule: Rule, at: Union[ast.AST, Position], **values: object) -> None:
        if isinstance(at, tuple):
            line, column = at
        else:
            line, column = at.lineno, at.col_offset  # type: ignore[attr-defined]
        self._findings.append((line, column, rule.format(**values)))


@dataclass(frozen=True)
class _HandlerSpec:
    family: Type[Family]
    method: str
    label: str  # The code a failure is reported under, or the family's codes
    family_wide: bool  # A failing family-wide handler switches the whole family off


class Engine:
    """Built once from the family classes; ``run`` checks one tree."""

    def __init__(self, families: Sequence[Type[Family]]):
        self.families = tuple(families)
        self._visit_specs: Dict[type, List[_HandlerSpec]] = {}
        self._end_specs: List[_HandlerSpec] = []
        for family in self.families:
            for name in dir(family):
                member = getattr(family, name)
                marks = getattr(member, "_chs_visits", None)
                if marks is not None:
                    node_types, code = marks
                    spec = _HandlerSpec(family, name, code or family.label(), code is None)
                    for node_type in node_types:
                        self._visit_specs.setdefault(node_type, []).append(spec)
                if hasattr(member, "_chs_at_end"):
                    code = member._chs_at_end
                    self._end_specs.append(_HandlerSpec(family, name, code or family.label(), code is None))

    def run(self, tree: ast.AST, file: FileContext, disabled_codes: FrozenSet[str] = frozenset()) -> List[Finding]:
        """Check one tree. Handlers that work only for a code in ``disabled_codes`` are not run at all."""
        findings: List[Finding] = []
        walk = Walk()
        instances = {family: family(file, walk, findings) for family in self.families if family.applies_to(file)}
        failed: Dict[str, Any] = dict.fromkeys(disabled_codes, True)  # Switched-off labels and family names

        def is_live(spec: _HandlerSpec) -> bool:
            return spec.family in instances and spec.label not in failed and spec.family.__name__ not in failed

        def bind(specs: List[_HandlerSpec]) -> Tuple[Tuple[Callable[..., None], _HandlerSpec], ...]:
            return tuple((getattr(instances[spec.family], spec.method), spec) for spec in specs if is_live(spec))

        dispatch = {node_type: bind(specs) for node_type, specs in self._visit_specs.items()}
        dispatch = {node_type: handlers for node_type, handlers in dispatch.items() if handlers}

        def fail(spec: _HandlerSpec, exc: BaseException) -> None:
            message = f"{INTERNAL_ERROR_CODE} internal error in {spec.label}: {type(exc).__name__}: {exc}"
            findings.append((1, 0, message))
            logger.debug(f"{file.filename}: {spec.family.__name__}.{spec.method} failed", exc_info=exc)
            failed[spec.label] = True
            if spec.family_wide:
                failed[spec.family.__name__] = True
            for node_type in list(dispatch):
                dispatch[node_type] = tuple(entry for entry in dispatch[node_type] if is_live(entry[1]))

        self._traverse(tree, dispatch, walk, fail)
        for spec in self._end_specs:
            if is_live(spec):
                try:
                    getattr(instances[spec.family], spec.method)()
                except Exception as exc:  # noqa: B902 - a rule's bug must never abort the flake8 run
                    fail(spec, exc)
        return findings

    @staticmethod
    def _traverse(tree: ast.AST, dispatch: Dict[type, Any], walk: Walk, fail: Callable[..., None]) -> None:
        fields_of = _FIELDS.get
        get_handlers = dispatch.get
        scopes = walk.scopes
        stack: List[Any] = [tree]
        parents: List[Any] = [None]
        pop, push, extend = stack.pop, stack.append, stack.extend
        pop_parent, push_parent, extend_parents = parents.pop, parents.append, parents.extend
        while stack:
            node = pop()
            parent = pop_parent()
            node_type = type(node)
            handlers = get_handlers(node_type)
            if handlers:
                for handler, spec in handlers:
                    try:
                        handler(node, parent)
                    except Exception as exc:  # noqa: B902 - a rule's bug must never abort the flake8 run
                        fail(spec, exc)
            fields = fields_of(node_type, ())
            if fields is None:
                if node_type is _Exit:
                    scopes.pop()
                elif node_type is _Enter:
                    scopes.append(node.scope)
                else:
                    # A scope: its body inside it, everything else in the enclosing scope.
                    push(_EXIT)
                    push_parent(None)
                    body = node.body
                    if type(body) is list:
                        extend(body[::-1])
                        extend_parents([node] * len(body))
                    else:
                        push(body)
                        push_parent(node)
                    push(_Enter(node))
                    push_parent(None)
                    for name in reversed(_SCOPE_OUTER_FIELDS[node_type]):
                        value = getattr(node, name, None)
                        if type(value) is list:
                            extend(value[::-1])
                            extend_parents([node] * len(value))
                        elif value is not None:
                            push(value)
                            push_parent(node)
                continue
            for name in fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    if value:
                        extend(value[::-1])
                        extend_parents([node] * len(value))
                elif value is not None:
                    push(value)
                    push_parent(node)
