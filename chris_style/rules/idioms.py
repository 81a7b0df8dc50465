"""CHS7: idioms (§6 Code Style & Idioms)."""
import ast
import logging
from typing import Dict, List, Optional

from chris_style.engine import Family, visits
from chris_style.registry import Rule, register
from chris_style.rules._shared import PACK_NOTE_NFKC

logger = logging.getLogger(__name__)

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# The statement lists of a block; other list fields (handlers, cases, decorators, ...) hold no statements.
STATEMENT_FIELDS = ("body", "orelse", "finalbody")

CHS701 = register(
    Rule(
        code="CHS701",
        message="'%' formatting of a string literal; use an f-string",
        summary="`%` formatting with a string literal on the left",
        section="§6 F-Strings",
        what=(
            "Flags the `%` operator with a string literal on its left: `\"...\" % value`, "
            "`\"...\" % (a, b)`, `\"...\" % {\"key\": value}`, including implicitly concatenated literals and "
            "f-strings on the left. The finding is on the `%` expression (which starts at the string)."
        ),
        why=(
            "The guide: \"Consistent use of f-strings for string formatting\" "
            "(`logger.info(f\"Received heuristic creation request: {request.data}\")`)."
        ),
        bad="message = \"Cluster %s has %d nodes\" % (cluster_name, node_count)",
        good="message = f\"Cluster {cluster_name} has {node_count} nodes\"",
        exemptions=(
            "bytes literals (`b\"%d\" % n`): bytes have neither f-strings nor `.format()`",
            "`%` with anything else on the left (`template % values`, `count % 2`): the left side is not known "
            "to be a string",
        ),
        mirror="full",
        ruff="UP031 (printf-string-formatting)",
        decisions=(
            "An f-string on the left (`f\"{name}: %s\" % value`) is flagged: it mixes two formatting styles. "
            "A parenthesised concatenation (`(\"a\" + \"b\") % x`) is not a literal and is left alone."
        ),
    )
)

CHS702 = register(
    Rule(
        code="CHS702",
        message="'\"...\".format(...)' in a function; use an f-string",
        summary="`\"literal\".format(...)` inside a function or method body",
        section="§6 F-Strings; §3 String Templates with .format()",
        what=(
            "Flags a call of `.format(...)` on a string literal (implicitly concatenated literals count as one) "
            "in code that runs when a function is called: function and method bodies, lambdas, and class "
            "bodies nested in functions. The finding is on the call (which starts at the string)."
        ),
        why=(
            "The guide: \"Consistent use of f-strings for string formatting\" (§6). It keeps `.format()` for "
            "one job: \"For static templates with dynamic content insertion, use triple-quoted strings with "
            "`.format()` called immediately at module level. This pre-renders the template once at import "
            "time\" (§3), and named templates filled later (`analyze_prompt_template.format(...)`)."
        ),
        bad="def describe(cluster: Cluster) -> str:\n    return \"{} ({} nodes)\".format(cluster.name, cluster.size)",
        good="def describe(cluster: Cluster) -> str:\n    return f\"{cluster.name} ({cluster.size} nodes)\"",
        exemptions=(
            "module-level `.format()` (the guide's pre-rendered template pattern), including module-level "
            "class bodies, decorators and default values, which all run once at import time",
            "`.format()` on a non-literal receiver anywhere (`analyze_prompt_template.format(...)`, "
            "`str.format(...)`, `_(\"...\").format(...)`)",
            "`\"...\".format` passed without being called (`map(\"{:02x}\".format, data)`): an f-string needs a "
            "lambda there",
            "f-string and bytes receivers: an f-string receiver is itself a template being built, and bytes have "
            "no `.format()`",
        ),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_NFKC
        ),
        ruff="UP032 (f-string), which also flags module-level templates",
        decisions=(
            "A lambda is a function: `lambda row: \"{}\".format(row)` is flagged even at module level. A class "
            "body counts as a function body only when the class is defined inside a function (its body then "
            "runs on every call). Calls with `*args`/`**kwargs` are flagged too: the template is fixed, so an "
            "f-string can name the values."
        ),
    )
)

CHS704 = register(
    Rule(
        code="CHS704",
        message="list '{name}' is emptied, then filled by a loop that only appends; build it with a list comprehension",
        summary="`x = []` followed by a `for` loop that only appends to `x`",
        section="§6 Comprehensions vs Loops",
        what=(
            "Flags a `for` loop whose body is only `x.append(<expr>)`, optionally under one `if` without `else`, "
            "when the statement right before the loop in the same block empties `x`: `x = []`, `x = list()`, "
            "or annotated (`x: List[int] = []`). `x` is a plain name; tuple loop targets are fine. The finding "
            "is on the `for`."
        ),
        why=(
            "The guide \"Prefers list comprehensions for simple transformations\" "
            "(`[pattern.to_json() for pattern in result.patterns]`) and uses them \"for extracting data from "
            "AWS SDK responses\" (`deployment_statuses = [dep[\"rolloutState\"] for dep in ...]`)."
        ),
        bad=(
            "deployment_statuses = []\nfor dep in describe_response[\"services\"][0][\"deployments\"]:\n"
            "    deployment_statuses.append(dep[\"rolloutState\"])"
        ),
        good=(
            "deployment_statuses = [\n"
            "    dep[\"rolloutState\"] for dep in describe_response[\"services\"][0][\"deployments\"]\n]"
        ),
        exemptions=(
            "loops that append to a list that was not just emptied (another list, or another statement in "
            "between)",
            "loops whose iterable, `if` test, target or appended value mention the list itself: a comprehension "
            "cannot see the list it builds",
            "loops with an `else` clause, and `async for` loops",
            "loops in class bodies: a comprehension there cannot see the class's other names",
            "loops whose appended value or `if` test contains `yield` or `:=`, or whose iterable contains `:=` "
            "(not allowed in a comprehension)",
            "`x.append(*values)`, `x.append(value=...)` and bodies with more than the one `append`",
        ),
        mirror="partial",
        mirror_notes=(
            PACK_NOTE_NFKC
        ),
        ruff="PERF401 (manual-list-comprehension)",
        decisions=(
            "`async for` is exempt: an async comprehension is a rarer construct than the loop. A loop variable "
            "read after the loop (a comprehension does not leak it) is not looked for. Only plain names are "
            "followed: `self.items = []` then `self.items.append(...)` is left alone, since the appended value "
            "may read the attribute through a method call."
        ),
    )
)


class IdiomRules(Family):
    rules = (CHS701, CHS702, CHS704)
    runs_on = "all"

    def setup(self) -> None:
        self._previous: Dict[int, Dict[int, Optional[ast.stmt]]] = {}  # id(parent) -> id(statement) -> previous

    # -- CHS701 -------------------------------------------------------------------------------------------

    @visits(ast.BinOp, code="CHS701")
    def percent_formatting(self, node: ast.BinOp, parent: Optional[ast.AST]) -> None:
        if type(node.op) is not ast.Mod:
            return
        left = node.left
        if type(left) is ast.JoinedStr or (type(left) is ast.Constant and type(left.value) is str):
            self.report(CHS701, node)

    # -- CHS702 -------------------------------------------------------------------------------------------

    @visits(ast.Call, code="CHS702")
    def literal_format(self, node: ast.Call, parent: Optional[ast.AST]) -> None:
        func = node.func
        if type(func) is not ast.Attribute or func.attr != "format":
            return
        receiver = func.value
        if type(receiver) is not ast.Constant or type(receiver.value) is not str:
            return
        if any(isinstance(scope, _FUNCTION_TYPES) for scope in self.walk.scopes):
            self.report(CHS702, node)

    # -- CHS704 -------------------------------------------------------------------------------------------

    @visits(ast.For, code="CHS704")
    def append_loop(self, node: ast.For, parent: Optional[ast.AST]) -> None:
        if node.orelse or len(node.body) != 1 or parent is None:
            return
        statement = node.body[0]
        test: Optional[ast.expr] = None
        if type(statement) is ast.If:
            if statement.orelse or len(statement.body) != 1:
                return
            test = statement.test
            statement = statement.body[0]
        if type(statement) is not ast.Expr:
            return
        call = statement.value
        if type(call) is not ast.Call or len(call.args) != 1 or call.keywords:
            return
        func = call.func
        if type(func) is not ast.Attribute or func.attr != "append" or type(func.value) is not ast.Name:
            return
        element = call.args[0]
        name = func.value.id
        scopes = self.walk.scopes
        if type(element) is ast.Starred or (scopes and type(scopes[-1]) is ast.ClassDef):
            return
        previous = self._previous_statement(node, parent)
        if previous is None or not empties_list(previous, name):
            return
        if _blocks_comprehension(name, node.target, node.iter, test, element):
            return
        self.report(CHS704, node, name=name)

    def _previous_statement(self, node: ast.stmt, parent: ast.AST) -> Optional[ast.stmt]:
        table = self._previous.get(id(parent))
        if table is None:
            table = self._previous[id(parent)] = previous_statements(parent)
        return table.get(id(node))


def previous_statements(parent: ast.AST) -> Dict[int, Optional[ast.stmt]]:
    """id(statement) -> the statement before it in the same list, for every statement list of ``parent``.

    Built once per parent (one pass over its lists), so finding a statement's predecessor stays linear.
    """
    table: Dict[int, Optional[ast.stmt]] = {}
    for field in STATEMENT_FIELDS:
        statements = getattr(parent, field, None)
        if type(statements) is not list:
            continue
        previous: Optional[ast.stmt] = None
        for statement in statements:
            table[id(statement)] = previous
            previous = statement
    return table


def empties_list(statement: ast.stmt, name: str) -> bool:
    """``name = []``, ``name = list()`` or ``name: <annotation> = []``, with ``name`` the only target."""
    if type(statement) is ast.Assign:
        if len(statement.targets) != 1:
            return False
        target, value = statement.targets[0], statement.value
    elif type(statement) is ast.AnnAssign:
        target, value = statement.target, statement.value  # type: ignore[assignment]
    else:
        return False
    if type(target) is not ast.Name or target.id != name or value is None:
        return False
    if type(value) is ast.List:
        return not value.elts
    return (
        type(value) is ast.Call and type(value.func) is ast.Name and value.func.id == "list" and not value.args
        and not value.keywords
    )


def _blocks_comprehension(name: str, target: ast.expr, iterable: ast.expr, test: Optional[ast.expr],
                          element: ast.expr) -> bool:
    """Whether the loop cannot become ``[element for target in iterable if test]`` as it stands.

    The list may not be mentioned anywhere (a comprehension cannot see the list it builds); `:=` is not allowed
    in a comprehension's iterable and may not rebind its variable; `yield` is not allowed in its element or
    condition. Looks only at these few expressions, each once per matching loop.
    """
    pending: List[ast.AST] = [target, iterable, element]
    if test is not None:
        pending.append(test)
    while pending:
        node = pending.pop()
        node_type = type(node)
        if node_type is ast.Name:
            if node.id == name:  # type: ignore[attr-defined]
                return True
            continue
        if node_type in (ast.NamedExpr, ast.Yield, ast.YieldFrom):
            return True
        pending.extend(ast.iter_child_nodes(node))
    return False
