"""CHS3: imports (§6 Import Organization, §11 Explicit Over Implicit)."""
import ast
import logging
from dataclasses import dataclass
from typing import List, Optional

from chris_style.engine import Family, at_end, visits
from chris_style.imports import ImportKind
from chris_style.registry import Rule, register

logger = logging.getLogger(__name__)

_GROUP_RANK = {ImportKind.STDLIB: 0, ImportKind.THIRD_PARTY: 1, ImportKind.FIRST_PARTY: 2}
_BLOCK_DOCS = (
    "The module's top import block is the run of module-level import statements after the docstring. "
    "`from __future__` imports are a preamble and take no part. `if TYPE_CHECKING:` blocks, and `try:`/`if` "
    "blocks that hold only imports, `pass` and simple assignments (the optional-dependency pattern), are "
    "skipped: their imports are ignored for ordering and the block goes on after them; blank-line checks do "
    "not apply across a skipped block, which separates the imports around it. Any other statement "
    "ends the block; imports after it are not checked (that is E402's business). Imports inside functions "
    "are never checked. An `import a, b` statement is classified by its first module."
)
_CLASSIFICATION_DOCS = (
    "Classification: relative imports and `chs-first-party` names are first-party; then the running "
    "interpreter's standard library; then the top-level packages and modules of the project (found from the "
    "nearest `setup.py`, `pyproject.toml`, `setup.cfg`, `tox.ini` or `.git` above the file); everything "
    "else is third-party."
)

CHS301 = register(
    Rule(
        code="CHS301",
        message="import names explicitly instead of 'from {module} import *'",
        summary="wildcard import `from x import *`",
        section="§11 Explicit Over Implicit",
        what="Flags every `from x import *`, relative ones included. The finding is on the import statement.",
        why="The guide: \"explicit imports (no `import *`)\"; \"All imports are explicit\" (§11).",
        bad="from aws_interactions.s3_interactions import *",
        good="from aws_interactions.s3_interactions import S3ObjectDoesntExist, get_object",
        mirror="full",
        ruff="F403 (undefined-local-with-import-star)",
    )
)

CHS302 = register(
    Rule(
        code="CHS302",
        message="external import '{module}' stands below first-party imports; move it above them",
        summary="first-party import above an external import",
        section="§6 Import Organization",
        what=(
            "Flags a standard-library or third-party import that stands below a first-party import in the "
            "module's top import block. The finding is on the external import. " + _BLOCK_DOCS
        ),
        why=(
            "The guide: \"Imports grouped by: stdlib → third-party → local (with blank lines between)\". Local "
            "imports last show at a glance what the module depends on from outside."
        ),
        bad="from core.capacity_planning import ClusterPlan\nimport boto3",
        good="import boto3\n\nfrom core.capacity_planning import ClusterPlan",
        exemptions=(
            "imports inside functions",
            "imports in `if TYPE_CHECKING:` blocks",
            "imports in `try:` blocks (the optional-dependency pattern)",
        ),
        options=("chs-first-party",),
        mirror="none",
        ruff="I001 (unsorted-imports), with `known-first-party` set",
        decisions=_CLASSIFICATION_DOCS,
    )
)

CHS303 = register(
    Rule(
        code="CHS303",
        message="separate first-party import '{module}' from the external imports above it with a blank line",
        summary="no blank line between external and first-party imports",
        section="§6 Import Organization",
        what=(
            "Flags a first-party import that directly follows a standard-library or third-party import with no "
            "blank line between them (a comment line is not a blank line). The finding is on the first-party "
            "import. " + _BLOCK_DOCS
        ),
        why="The guide groups imports \"(with blank lines between)\" the groups, local imports last.",
        bad="import boto3\nfrom core.capacity_planning import ClusterPlan",
        good="import boto3\n\nfrom core.capacity_planning import ClusterPlan",
        options=("chs-first-party",),
        mirror="none",
        ruff="I001 (unsorted-imports), with `known-first-party` set",
        decisions=_CLASSIFICATION_DOCS,
    )
)

CHS350 = register(
    Rule(
        code="CHS350",
        message="{problem}; the guide's order is stdlib, third-party, first-party, one blank line between groups",
        summary="strict: imports not in stdlib / third-party / first-party groups with one blank line between",
        section="§6 Import Organization",
        what=(
            "Opt-in. Checks the whole top import block against the guide's order: standard library, then "
            "third-party, then first-party; exactly one blank line between two groups and none inside a group. "
            "Only the first import that breaks the order or the blank-line rule is reported, so fixing it "
            "reveals the next. Sorting inside a group is not required (the guide's own `views.py` is not "
            "alphabetical). " + _BLOCK_DOCS
        ),
        why=(
            "The guide: \"Imports grouped by: stdlib → third-party → local (with blank lines between)\", as in "
            "its `views.py`: `import json`, `import logging` / `from django...` / `from backend...`."
        ),
        bad="import json\nimport boto3\nfrom core import constants",
        good="import json\n\nimport boto3\n\nfrom core import constants",
        options=("chs-first-party",),
        mirror="none",
        ruff="I001 (unsorted-imports), with `known-first-party` set and `lines-between-types = 0`",
        decisions=_CLASSIFICATION_DOCS,
    )
)


@dataclass(frozen=True)
class _ImportEntry:
    node: ast.stmt
    module: str
    kind: ImportKind
    after_barrier: bool  # A skipped block stands between this import and the previous one


class ImportRules(Family):
    rules = (CHS301, CHS302, CHS303, CHS350)

    def setup(self) -> None:
        self._module: Optional[ast.Module] = None
        self._block: Optional[List[_ImportEntry]] = None

    @visits(ast.ImportFrom, code="CHS301")
    def star_import(self, node: ast.ImportFrom, parent: Optional[ast.AST]) -> None:
        if any(alias.name == "*" for alias in node.names):
            self.report(CHS301, node, module="." * node.level + (node.module or ""))

    @visits(ast.Module)
    def module(self, node: ast.Module, parent: Optional[ast.AST]) -> None:
        self._module = node

    def _top_block(self) -> List[_ImportEntry]:
        """The module's top import block, classified; worked out once and shared by CHS302, CHS303, CHS350."""
        if self._block is None:
            self._block = self._read_top_block()
        return self._block

    def _read_top_block(self) -> List[_ImportEntry]:
        entries: List[_ImportEntry] = []
        if self._module is None:
            return entries
        body = self._module.body
        start = 1 if body and _is_docstring(body[0]) else 0
        after_barrier = False
        for statement in body[start:]:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                    continue
                module, kind = self._classify(statement)
                entries.append(_ImportEntry(statement, module, kind, after_barrier))
                after_barrier = False
            elif _is_skipped_block(statement):
                after_barrier = True
            else:
                break
        return entries

    def _classify(self, statement: ast.stmt) -> tuple:
        if isinstance(statement, ast.ImportFrom):
            module = "." * statement.level + (statement.module or "")
            return module, self.file.classify_module(statement.module or "", statement.level)
        module = statement.names[0].name  # type: ignore[attr-defined]
        return module, self.file.classify_module(module)

    @at_end(code="CHS302")
    def first_party_above_external(self) -> None:
        seen_first_party = False
        for entry in self._top_block():
            if entry.kind is ImportKind.FIRST_PARTY:
                seen_first_party = True
            elif seen_first_party:
                self.report(CHS302, entry.node, module=entry.module)

    @at_end(code="CHS303")
    def missing_group_separation(self) -> None:
        entries = self._top_block()
        for previous, entry in zip(entries, entries[1:]):
            if (
                previous.kind.is_external
                and entry.kind is ImportKind.FIRST_PARTY
                and not entry.after_barrier
                and not self.file.blank_lines_between(previous.node.end_lineno, entry.node.lineno)  # type: ignore
            ):
                self.report(CHS303, entry.node, module=entry.module)

    @at_end(code="CHS350")
    def strict_order(self) -> None:
        entries = self._top_block()
        highest = entries[0].kind if entries else None
        for previous, entry in zip(entries, entries[1:]):
            problem = None
            if _GROUP_RANK[entry.kind] < _GROUP_RANK[highest]:  # type: ignore[index]
                problem = f"{entry.kind.value} import '{entry.module}' after {highest.value} imports"  # type: ignore
            elif not entry.after_barrier:
                blank_lines = self.file.blank_lines_between(previous.node.end_lineno, entry.node.lineno)  # type: ignore
                if entry.kind is previous.kind and blank_lines:
                    problem = f"blank line inside the {entry.kind.value} import group"
                elif entry.kind is not previous.kind and blank_lines != 1:
                    count = f"{blank_lines} blank lines" if blank_lines else "no blank line"
                    problem = f"{count} between the {previous.kind.value} and {entry.kind.value} import groups"
            if problem is not None:
                self.report(CHS350, entry.node, problem=problem)
                return
            if _GROUP_RANK[entry.kind] > _GROUP_RANK[highest]:  # type: ignore[index]
                highest = entry.kind


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _is_type_checking_test(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_skipped_block(statement: ast.stmt) -> bool:
    """`if TYPE_CHECKING:`, or a try/if block of only imports, pass and simple assignments.

    `elif` branches and blocks nested in the block are held to the same test (iteratively: an `elif` chain
    can be thousands of branches deep).
    """
    if isinstance(statement, ast.If) and _is_type_checking_test(statement.test):
        return True
    if not _is_block(statement):
        return False
    pending: List[ast.stmt] = [statement]
    while pending:
        block = pending.pop()
        nested: List[ast.stmt] = []
        for name in ("body", "orelse", "finalbody"):
            nested.extend(getattr(block, name, ()))
        for handler in getattr(block, "handlers", ()):
            nested.extend(handler.body)
        if not nested:
            return False
        for inner in nested:
            if isinstance(inner, ast.If) and _is_type_checking_test(inner.test):
                continue
            if _is_block(inner):
                pending.append(inner)
            elif not (
                isinstance(inner, (ast.Import, ast.ImportFrom, ast.Pass, ast.Assign, ast.AnnAssign))
                or (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Constant))
            ):
                return False
    return True


def _is_block(statement: ast.stmt) -> bool:
    return isinstance(statement, (ast.Try, ast.If)) or type(statement).__name__ == "TryStar"
