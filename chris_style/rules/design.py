"""CHS8: design (§8 Design Patterns & Principles, §9 Data Handling, §11 API Design)."""
import ast
import logging
from typing import Dict, List, Optional, Set, Tuple

from chris_style.context import dotted_name
from chris_style.engine import Family, at_end, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import PACK_NOTE_NFKC

logger = logging.getLogger(__name__)

# The abc decorators that only work under ABCMeta (the last three are deprecated aliases, still in use).
ABSTRACT_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "abstractclassmethod", "abstractstaticmethod"})
ABC_MODULE = "abc"
# Decorators that make a method callable on the class; matched on the last part of a dotted name.
CLASS_LEVEL_DECORATORS = frozenset({"classmethod", "staticmethod", "abstractclassmethod", "abstractstaticmethod"})
# Decorators that leave an instance method an instance method: with them CHS804 still applies.
INSTANCE_KEEPING_DECORATORS = frozenset({"abstractmethod", "overload", "override"})
ALTERNATE_CONSTRUCTOR_NAMES = frozenset({"from_dict", "from_json"})

CHS801 = register(
    Rule(
        code="CHS801",
        message="class '{name}' only stores its __init__ parameters; make it a @dataclass",
        summary="plain class whose `__init__` only copies its parameters onto `self`",
        section="§8 Dataclass Usage; §9 Data Structure Choices",
        what=(
            "Flags a class with no bases (or only `object`), no keywords (`metaclass=`...) and no decorators, "
            "whose body is a single `__init__` (plus an optional class docstring), when that `__init__` has no "
            "decorator, no `*args`/`**kwargs`, at least one parameter besides `self`, and a body (after an "
            "optional docstring) made only of `self.<p> = <p>` or `self.<p>: <type> = <p>` statements that "
            "copy every parameter exactly once, each onto the attribute of the same name. Parameters with "
            "defaults and keyword-only parameters count. Classes nested in functions or classes are checked "
            "too. The finding is on the `class` line."
        ),
        why=(
            "The guide: \"Heavy use of `@dataclass` for data structures; prefers dataclasses over plain "
            "classes or dicts\" (§8) and \"All data models are dataclasses (Entity, EntityMapping, "
            "CaptureNodesPlan, etc.)\" (§9). A dataclass states the fields once, with their types, and gets "
            "`__eq__` and `__repr__` for free."
        ),
        bad=(
            "class CaptureNodesPlan:\n"
            "    def __init__(self, instance_type: str, desired_count: int):\n"
            "        self.instance_type = instance_type\n"
            "        self.desired_count = desired_count"
        ),
        good=(
            "@dataclass\n"
            "class CaptureNodesPlan:\n"
            "    instance_type: str\n"
            "    desired_count: int"
        ),
        exemptions=(
            "classes with a base other than `object`, or with a keyword such as `metaclass=`",
            "decorated classes (a decorator may register the class or depend on its shape)",
            "an `__init__` that does more than copy: a computed value (`self.url = url.rstrip('/')`), a constant "
            "(`self.count = 0`), a call (`super().__init__()`), a condition",
            "an `__init__` that leaves a parameter uncopied, or renames it (`self._name = name`)",
            "an `__init__` with `*args` or `**kwargs`, or with a decorator",
            "classes with anything else in the body: methods, class attributes, `__slots__`",
        ),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff has no rule for plain classes that should be dataclasses",
        decisions=(
            "Defaults are fine (a dataclass field takes the default; a mutable default becomes "
            "`field(default_factory=...)`), and so are keyword-only parameters (`field(kw_only=True)`, Python "
            "3.10+) and any order of the assignments. A renamed attribute (`self._name = name`, "
            "`self.url = endpoint`) is left alone: as a dataclass the init parameter would change name. "
            "A parameter that is not copied, an extra constant assignment or a second copy of a parameter is "
            "left alone too: the class is no longer a plain record. Tuple assignments (`self.a, self.b = a, b`) "
            "are not recognised. An `__init__` with no parameter besides `self` is not a record and is left "
            "alone. Decorated classes are skipped whatever the decorator."
        ),
    )
)

CHS802 = register(
    Rule(
        code="CHS802",
        message="'@{decorator}' on '{name}' has no effect: class '{owner}' is not an ABC; derive it from abc.ABC",
        summary="`@abstractmethod` in a class that is not an ABC",
        section="§8 Abstract Base Classes",
        what=(
            "Flags a method decorated with `@abstractmethod` (also `@abstractproperty`, `@abstractclassmethod`, "
            "`@abstractstaticmethod`), imported from `abc` by any `from abc import ...` form or written "
            "`abc.abstractmethod` after `import abc` (any alias), in a class that can be seen not to be an "
            "ABC: it has no `metaclass=` keyword, and every base is `object` or a class defined in the same "
            "file that is itself such a class (checked transitively). A class with no bases qualifies. Only "
            "methods directly in the class body count. The finding is on the `def` line, not the decorator."
        ),
        why=(
            "The guide \"uses ABC for defining interfaces/contracts\" (`class PlaygroundTask(ABC):` with "
            "`@abstractmethod def get_work_item(self) -> Any`). Without `ABC` (or `metaclass=ABCMeta`) the "
            "decorator does nothing: the class can be instantiated and a subclass that forgets the method "
            "fails only when it is called."
        ),
        bad="class VniProvider:\n    @abstractmethod\n    def get_next_vni(self) -> int:\n        pass",
        good="class VniProvider(ABC):\n    @abstractmethod\n    def get_next_vni(self) -> int:\n        pass",
        exemptions=(
            "classes deriving from `ABC` / `abc.ABC`, or from a same-file class that does",
            "classes with a `metaclass=` keyword (`ABCMeta`, or any metaclass, which may derive from it)",
            "classes with any base that is not `object` or a same-file class: imported bases (`Protocol`, "
            "`Generic[T]`, third-party classes), builtins (`Exception`, `dict`), attributes, calls",
            "an `abstractmethod` name not imported from `abc` (a local decorator of the same name)",
        ),
        mirror="partial",
        mirror_notes=(
            "Same-file bases are followed through three levels (a class whose chain of same-file bases is deeper is "
            "flagged by the plugin only). When several classes of the file have a base's name, the pack requires every "
            "one of them to be plain, the plugin looks at one (the last defined outside function and class bodies, "
            "else the first): the pack can stay silent where the plugin flags. A decorator counts as abc's when any "
            "import statement of the file binds its name from `abc` (or binds the module `abc`), while the plugin uses "
            "the last import that binds the name: after a later `from other import abstractmethod` the pack still "
            "flags. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff's B024/B027 check ABCs from the other side (an ABC without abstract methods)",
        decisions=(
            "Any metaclass keeps the rule silent, not only `ABCMeta`: a custom metaclass may derive from it. "
            "Builtin bases other than `object` (`Exception`, `dict`) count as unknown, as RULES.md lists only "
            "`object` and same-file classes. A same-file base that cannot be resolved (a cycle, or a name that "
            "is also imported) counts as unknown. The deprecated `abstractproperty`, `abstractclassmethod` and "
            "`abstractstaticmethod` need ABCMeta too and are flagged like `abstractmethod`. Methods under an "
            "`if` in the class body are not looked at. A relative `from .abc import abstractmethod` counts as "
            "`abc` too: a project's own `abc` module that exports `abstractmethod` re-exports the standard one "
            "(both engines agree on this)."
        ),
    )
)

CHS804 = register(
    Rule(
        code="CHS804",
        message="'{name}' builds an instance from data; make it a @classmethod that returns cls(...)",
        summary="`from_dict` / `from_json` that is not a classmethod or staticmethod",
        section="§8 Serialization Patterns; §9 Serialization",
        what=(
            "Flags a method named `from_dict` or `from_json` (plain or `async`), directly in a class body, "
            "that has neither `@classmethod` nor `@staticmethod` (any dotted name ending in `classmethod` or "
            "`staticmethod` counts, e.g. `builtins.classmethod`, and so do `abstractclassmethod` and "
            "`abstractstaticmethod`). The finding is on the `def` line, not a decorator."
        ),
        why=(
            "The guide: \"Dataclasses have `to_dict()` / `to_json()` instance methods and `from_dict()` / "
            "`from_json()` class methods\" (§8), as in `@classmethod def from_dict(cls, input: Dict[str, any]) "
            "-> 'ConfigDetails': return cls(...)` (§9). An instance method named `from_dict` needs an "
            "instance before there is one to build."
        ),
        bad="class UserConfig:\n    def from_dict(self, d: Dict[str, Any]) -> 'UserConfig':\n        ...",
        good=(
            "class UserConfig:\n    @classmethod\n"
            "    def from_dict(cls, d: Dict[str, Any]) -> 'UserConfig':\n        ..."
        ),
        exemptions=(
            "methods with a decorator other than `@abstractmethod`, `@overload` or `@override` (it may already "
            "make the method callable on the class, as `@hybridmethod` or `@classproperty` do)",
            "methods of classes with an external base (they may override the framework's instance-level "
            "`from_dict`)",
            "functions named `from_dict` outside a class body, and methods nested under an `if` in the body",
        ),
        mirror="partial",
        mirror_notes=(
            "External bases: the pack cannot classify imports, so it counts a base as external when its first name is "
            "bound by an absolute import statement outside function and class bodies (relative imports are "
            "first-party; marker bases as in the plugin), directly or through at most two classes defined outside "
            "function and class bodies. So the pack exempts the methods the plugin checks when the base comes from a "
            "first-party module imported by absolute name (auto-detected or named in `chs-first-party`), and checks "
            "the ones the plugin exempts when the external base is reached only through an import inside a function or "
            "class body, through three or more classes of the file, or through a class defined inside a function or "
            "class. " +
            PACK_NOTE_NFKC
        ),
        ruff="none: ruff has no rule about alternate constructors; N804/N805 only check the first parameter's name",
        decisions=(
            "`@staticmethod` is accepted as RULES.md says, although the guide's own constructors are class "
            "methods. Decorators are matched by the last part of their dotted name, so `@builtins.classmethod` "
            "and `@abc.abstractclassmethod` count. The external-base exemption is an addition to RULES.md: "
            "overriding a framework's instance method must keep its kind."
        ),
    )
)


class DesignRules(Family):
    rules = (CHS801, CHS802, CHS804)
    runs_on = "all"

    def setup(self) -> None:
        self._abstract_methods: List[Tuple[ast.AST, ast.ClassDef, ast.expr]] = []
        self._constructors: List[Tuple[ast.AST, ast.ClassDef]] = []
        self._plain_classes: Dict[int, bool] = {}  # id(ClassDef) -> known not to be an ABC

    # -- CHS801 -----------------------------------------------------------------------------------------

    @visits(ast.ClassDef, code="CHS801")
    def record_class(self, node: ast.ClassDef, parent: Optional[ast.AST]) -> None:
        if node.decorator_list or node.keywords or not _has_only_object_bases(node):
            return
        init = _sole_init(node)
        if init is not None and _just_copies_parameters(init):
            self.report(CHS801, node, name=node.name)

    # -- CHS802 -----------------------------------------------------------------------------------------

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, code="CHS802")
    def abstract_method(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        decorators = node.decorator_list  # type: ignore[attr-defined]
        if not decorators or type(parent) is not ast.ClassDef:
            return
        for decorator in decorators:
            if type(decorator) is ast.Name or type(decorator) is ast.Attribute:
                # Resolved at the end, when every import is known (`from abc import abstractmethod as am`).
                self._abstract_methods.append((node, parent, decorator))  # type: ignore[arg-type]

    @at_end(code="CHS802")
    def abstract_method_outside_abc(self) -> None:
        reported: Set[int] = set()
        for node, owner, decorator in self._abstract_methods:
            if id(node) in reported or not self._is_abc_decorator(decorator) or not self._is_plain_class(owner):
                continue
            reported.add(id(node))
            spelling = ".".join(dotted_name(decorator) or ())
            self.report(CHS802, node, decorator=spelling, name=node.name, owner=owner.name)  # type: ignore

    def _is_abc_decorator(self, decorator: ast.expr) -> bool:
        """Whether the decorator is one of abc's abstract decorators: `abstractmethod` (any alias) or `abc.x`."""
        parts = dotted_name(decorator)
        if parts is None or len(parts) > 2:
            return False
        binding = self.file.imports.get(parts[0])
        if binding is None or binding.module != ABC_MODULE:
            return False
        if len(parts) == 1:
            return binding.imported in ABSTRACT_DECORATORS
        return binding.imported is None and parts[1] in ABSTRACT_DECORATORS

    def _is_plain_class(self, node: ast.ClassDef) -> bool:
        """Whether the class is known not to be an ABC: no metaclass, only `object` and same-file plain bases.

        Iterative depth-first over same-file bases, memoised per file; a cycle counts as unknown.
        """
        known = self._plain_classes
        in_progress: Set[int] = set()
        pending: List[Tuple[ast.ClassDef, bool]] = [(node, False)]
        while pending:
            current, expanded = pending.pop()
            key = id(current)
            if key in known:
                continue
            bases = self._same_file_bases(current)
            if bases is None:
                known[key] = False
            elif expanded:
                known[key] = all(known.get(id(base), False) for base in bases)
            elif key in in_progress:
                known[key] = False  # A cycle through same-file names
            else:
                in_progress.add(key)
                pending.append((current, True))
                pending.extend((base, False) for base in bases if id(base) not in known)
        return known[id(node)]

    def _same_file_bases(self, node: ast.ClassDef) -> Optional[List[ast.ClassDef]]:
        """Same-file bases (`object` dropped); None if any base is unknown or a metaclass (or `**`) may be set."""
        if any(keyword.arg in ("metaclass", None) for keyword in node.keywords):
            return None
        bases: List[ast.ClassDef] = []
        for base in node.bases:
            if type(base) is not ast.Name or base.id in self.file.imports:
                return None
            same_file = self.file.classes.get(base.id)
            if same_file is not None:
                bases.append(same_file)
            elif base.id != "object":
                return None
        return bases

    # -- CHS804 -----------------------------------------------------------------------------------------

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, code="CHS804")
    def alternate_constructor(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        if node.name not in ALTERNATE_CONSTRUCTOR_NAMES or type(parent) is not ast.ClassDef:  # type: ignore
            return
        for decorator in node.decorator_list:  # type: ignore[attr-defined]
            name = _decorator_last_name(decorator)
            if name in CLASS_LEVEL_DECORATORS or name not in INSTANCE_KEEPING_DECORATORS:
                return
        self._constructors.append((node, parent))  # type: ignore[arg-type]

    @at_end(code="CHS804")
    def instance_level_constructor(self) -> None:
        for node, owner in self._constructors:
            if not self.file.is_external_class(owner):
                self.report(CHS804, node, name=node.name)  # type: ignore[attr-defined]


def _decorator_last_name(decorator: ast.expr) -> Optional[str]:
    """``@a.b.c`` and ``@a.b.c(...)`` give 'c'; None for other expressions."""
    if type(decorator) is ast.Call:
        decorator = decorator.func  # type: ignore[attr-defined]
    if type(decorator) is ast.Name:
        return decorator.id  # type: ignore[attr-defined]
    if type(decorator) is ast.Attribute:
        return decorator.attr  # type: ignore[attr-defined]
    return None


def _has_only_object_bases(node: ast.ClassDef) -> bool:
    return all(type(base) is ast.Name and base.id == "object" for base in node.bases)


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        type(statement) is ast.Expr
        and type(statement.value) is ast.Constant  # type: ignore[attr-defined]
        and isinstance(statement.value.value, str)  # type: ignore[attr-defined]
    )


def _without_docstring(body: List[ast.stmt]) -> List[ast.stmt]:
    return body[1:] if body and _is_docstring(body[0]) else body


def _sole_init(node: ast.ClassDef) -> Optional[ast.FunctionDef]:
    """The class's `__init__` when it is the only statement of the body besides a docstring, undecorated."""
    body = _without_docstring(node.body)
    if len(body) != 1:
        return None
    init = body[0]
    if type(init) is not ast.FunctionDef or init.name != "__init__" or init.decorator_list:  # type: ignore
        return None
    return init  # type: ignore[return-value]


def _just_copies_parameters(init: ast.FunctionDef) -> bool:
    """Whether the body (after a docstring) copies every parameter but `self`, once, onto `self.<same name>`."""
    arguments = init.args
    if arguments.vararg is not None or arguments.kwarg is not None:
        return False
    positional = [*arguments.posonlyargs, *arguments.args]
    if not positional:
        return False
    self_name = positional[0].arg
    parameters = {argument.arg for argument in (*positional[1:], *arguments.kwonlyargs)}
    body = _without_docstring(init.body)
    if not parameters or len(body) != len(parameters):
        return False
    copied: Set[str] = set()
    for statement in body:
        statement_type = type(statement)
        if statement_type is ast.Assign and len(statement.targets) == 1:  # type: ignore[attr-defined]
            target, value = statement.targets[0], statement.value  # type: ignore[attr-defined]
        elif statement_type is ast.AnnAssign:
            target, value = statement.target, statement.value  # type: ignore[attr-defined]
        else:
            return False
        if not (
            type(target) is ast.Attribute
            and type(target.value) is ast.Name
            and target.value.id == self_name
            and type(value) is ast.Name
            and value.id == target.attr
        ):
            return False
        copied.add(target.attr)
    return copied == parameters
