"""Running a pack's rules over files with ast-grep-py, as ``ast-grep scan`` would.

ast-grep-py evaluates only ``rule``, ``constraints``, ``utils`` and ``transform``; this module supplies the
rest of what the CLI does: global util rules (injected into every config), ``files``/``ignores`` globs,
severity ``off``, message templates, fix templates (with the CLI's re-indentation) and
``# ast-grep-ignore`` comments. Every behaviour is checked against the CLI in the tests.

Design
------
Each ``find_all`` call is one traversal of the tree, and it compiles the config it is given (patterns,
regexes, utils) again. Measured on the CPython 3.11 standard library (1,790 files, 30 pattern rules):
tree-sitter parse 5.4 s; the 30 rules as 30 ``find_all`` calls 17.8 s; the same rules in one config 2.4 s.

* One config for all rules: ``any`` over the root kinds (the pack conventions make every rule declare
  one or more; a rule with several is in the group of each). A kind with one rule of that one kind is that
  rule; any other kind's rules K1..Km become m branches, the i-th ``all: [{kind: K}, Ki + $CHSTAGi,
  {any: [K(i+1) + $CHSTAG(i+1), {kind: K}]}, ..., {any: [Km + $CHSTAGm, {kind: K}]}]``:
  a node is matched by the first branch whose rule matches it (a bare metavariable pattern captures the node
  as the rule's tag), and the optional ``any`` items capture the tags of the later rules that match it too.
  So one traversal reports each node once with the tags of every rule that matches it (``any`` alone would
  stop at the first), and each rule is evaluated once per node (an earlier design that first filtered with
  ``any: [K1..Km]`` evaluated a matching rule twice, which doubled the cost of the costly rules). Each Ki is
  a util, so it is compiled once.
* Renaming: rules sharing one config share one metavariable environment and one util namespace. Every
  capturing metavariable of rule i becomes ``$R<i>_NAME`` (patterns, ``constraints`` keys, ``transform`` keys
  and sources; ``$$$ARGS`` and ``$$X`` alike; ``$_X`` captures nothing and stays); local utils become
  ``__chs<i>__name``. Message and fix templates keep the author's names and look them up renamed. Global utils
  keep their names; their captures are not visible to the rule, as in the CLI.
* Constraints are checked in Python after the match (each captured metavariable against its rule), as
  ast-grep checks them after the rule matched: in one merged config, a constraint failing for one rule would
  reject the node for every rule.
* A rule whose pattern has ``$NAME`` inside a longer string literal (renaming could change what it matches),
  or whose renamed config does not compile, runs alone.
* Every config is made lean before use (``lean_config``): ast-grep-py compiles every util it is given, used
  or not, and every regex each time it is written, so unused utils are dropped and each distinct regex becomes
  one util.
* Wrapped batches, because ast-grep-py has no way to keep a compiled rule: compiling the installed pack's
  config (about 8,000 rule nodes) takes about 23 ms, on every ``find_all`` call, while the CLI compiles once.
  So ``check_many`` parses up to ``BATCH_CHARACTERS`` of source as one tree, each file the body of an
  ``if __chs_file__:`` with a space added before each of its lines, and runs the rules once on it, rewritten
  by ``wrap_config`` so that each file's body stands for its module: ``kind: module`` becomes that block and
  every search up the tree stops there. Sibling relations need nothing (the block's children are the file's
  top-level statements and comments). Positions, messages and fixes are mapped back to each file's own text.
  Files that cannot be wrapped exactly are checked alone (``wrappable``): a comment before the first
  statement (tree-sitter hangs it on the ``if``, outside the block), tabs in indentation, form feeds, lone
  carriage returns; so is a batch whose tree does not keep each file in its own ``if``. Rules that match the
  module itself, use ``range`` or constraints with utils (``batchable``) run on each file's own tree. On the
  whole standard library, every rule of the installed pack (opt-in ones too) gives exactly the findings of
  ``ast-grep scan`` this way, messages included (a test checks a sample against one-by-one checking).

With rules limited by ``files``/``ignores``, the set of rules differs per file (typically test files vs the
rest); configs are cached per set.
"""
import bisect
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Pattern, Sequence, Tuple

from ast_grep_py import SgNode, SgRoot

from chris_style.sg.pack import LANGUAGE, InvalidPack, Pack, PackRule

logger = logging.getLogger(__name__)

TAG_PREFIX = "CHSTAG"
BATCH_CHARACTERS = 200_000  # Source code points parsed as one tree by check_many
WRAPPER_NAME = "__chs_file__"
WRAPPER_HEADER = f"if {WRAPPER_NAME}:\n"  # Each file of a batch is the body of one such `if`, indented by a space
# In a wrapped batch, what a file's rules see as its module: the body of a wrapper `if` at the top of the tree.
FILE_BODY: Dict[str, Any] = {
    "kind": "block",
    "inside": {"kind": "if_statement", "stopBy": "neighbor", "inside": {"kind": "module", "stopBy": "neighbor"}},
}
# Files that are checked alone: a leading comment (tree-sitter hangs it on the wrapper `if`, not in its body);
# tabs in indentation, form feeds and lone carriage returns (indentation or lines could change with the prefix).
_UNWRAPPABLE = re.compile(r"\r(?!\n)|\f|^[ ]*\t", re.MULTILINE)
IGNORE_MARKER = "ast-grep-ignore"
MAX_INDENT_LOOK_BEHIND = 512  # ast-grep looks this far back for a line's indentation
# A metavariable in a pattern: the whole token (ast-grep only treats a complete leaf as a metavariable).
_PATTERN_METAVARIABLE = re.compile(r"(?<![A-Za-z0-9_$])(\$\$\$|\$\$|\$)([A-Z_][A-Z0-9_]*)(?![A-Za-z0-9_])")
# A metavariable in a message or fix template: anywhere, the name ending at the first other character.
_TEMPLATE_METAVARIABLE = re.compile(r"(\$\$\$|\$\$|\$)([A-Z_][A-Z0-9_]*)")
_STRING_TRANSFORM = re.compile(r"^(\s*[A-Za-z]+\(\s*)(\$\$\$|\$\$|\$)?([A-Z_][A-Z0-9_]*)")


class RuleFailed(Exception):
    def __init__(self, rule_id: str, problem: str):
        super().__init__(f"rule {rule_id} failed: {problem}")
        self.rule_id = rule_id


@dataclass(frozen=True)
class SgEdit:
    """Replace ``text[start:end]`` (code point offsets) with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass
class SgFinding:
    """One match of one rule. Lines are 1-based; columns are 0-based code points, as ast-grep counts them."""

    code: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int  # Code point offsets of the node in the text
    end: int
    message: str
    severity: str
    fix: Optional[SgEdit] = None


def compile_glob(pattern: str) -> Pattern[str]:
    """A ``files``/``ignores`` glob as the CLI reads it: the whole relative path must match, ``*`` and ``?``
    match ``/`` too, ``**/`` is any number of folders (none included), ``{a,b}`` alternates, ``[...]``
    is a character class (``[!...]`` negated) and a backslash escapes."""
    parts: List[str] = []
    position = 0
    length = len(pattern)
    in_alternation = False
    while position < length:
        character = pattern[position]
        if pattern.startswith("**", position):
            starts_component = position == 0 or pattern[position - 1] == "/"
            after = position + 2
            ends_component = after == length or pattern[after] == "/"
            if starts_component and ends_component:
                if after == length:
                    parts.append(".*")
                    position = after
                else:
                    parts.append("(?:.*/)?")
                    position = after + 1
                continue
            parts.append(".*")
            position = after
            continue
        if character == "*":
            parts.append(".*")
        elif character == "?":
            parts.append(".")
        elif character == "\\" and position + 1 < length:
            position += 1
            parts.append(re.escape(pattern[position]))
        elif character == "[":
            closing = pattern.find("]", position + 2)
            if closing == -1:
                parts.append(re.escape(character))
            else:
                body = pattern[position + 1:closing]
                negated = body[:1] in ("!", "^")
                body = body[1:] if negated else body
                escaped = body.replace("\\", "\\\\").replace("[", "\\[")
                parts.append(f"[{'^' if negated else ''}{escaped}]")
                position = closing
        elif character == "{" and not in_alternation:
            in_alternation = True
            parts.append("(?:")
        elif character == "}" and in_alternation:
            in_alternation = False
            parts.append(")")
        elif character == "," and in_alternation:
            parts.append("|")
        else:
            parts.append(re.escape(character))
        position += 1
    if in_alternation:
        raise re.error(f"unclosed '{{' in glob {pattern!r}")
    return re.compile("".join(parts), re.DOTALL)


@dataclass(frozen=True)
class _FileFilter:
    files: Tuple[Pattern[str], ...]
    ignores: Tuple[Pattern[str], ...]

    def accepts(self, path: str) -> bool:
        if self.files and not any(glob.fullmatch(path) for glob in self.files):
            return False
        return not any(glob.fullmatch(path) for glob in self.ignores)


@dataclass(frozen=True)
class _TemplateVariable:
    lookup: str  # The name in the match's environment (renamed for merged rules)
    multi: bool
    transformed: bool
    indent: int  # ast-grep's indentation of the template line the variable sits on


@dataclass(frozen=True)
class _Template:
    fragments: Tuple[str, ...]  # One more than variables: text before, between and after them
    variables: Tuple[_TemplateVariable, ...]


@dataclass
class _CompiledRule:
    index: int
    rule: PackRule
    tag: str
    branch: Dict[str, Any]  # The renamed rule; constraints live apart
    tagged_branch: Dict[str, Any]  # The same, capturing the matched node as $<tag>
    constraints: Dict[str, Any]  # Renamed
    constraint_checks: Tuple[Tuple[str, Dict[str, Any], bool], ...]  # (variable, rule, uses utils)
    utils: Dict[str, Any]  # Renamed local utils
    transform: Dict[str, Any]  # Renamed
    alone_config: Dict[str, Any]
    message: _Template
    fix: Optional[_Template]
    file_filter: Optional[_FileFilter]
    mergeable: bool
    batchable: bool  # Nothing in the rule looks past the file's own subtrees (see ``batchable``)

    @property
    def kinds(self) -> Tuple[str, ...]:
        return self.rule.kinds

    @property
    def util_name(self) -> str:
        return f"__chsrule{self.index}"


@dataclass
class _RuleSet:
    """Rules to run on one tree: the mergeable ones in one config, the others each alone."""

    merged: List[_CompiledRule]
    alone: List[_CompiledRule]
    config: Optional[Dict[str, Any]]  # Constraints are not in it: they are checked per match
    utils: Dict[str, Any]  # Global utils and the merged rules' renamed local utils
    by_kind: Dict[str, List[_CompiledRule]]  # Merged rules per root kind
    alone_configs: Dict[int, Dict[str, Any]]  # The config of each rule in ``alone``, by rule index

    @property
    def empty(self) -> bool:
        return not self.merged and not self.alone

    def matches(self, root: SgNode, text: str) -> List[Tuple[_CompiledRule, SgNode]]:
        """Every (rule, node) match in the tree, without those ``# ast-grep-ignore`` comments suppress."""
        matches: List[Tuple[_CompiledRule, SgNode]] = []
        if self.config is not None:
            for node in _find_all(root, self.config, self.merged):
                for compiled in self.by_kind.get(node.kind()) or self.merged:
                    if node.get_match(compiled.tag) is not None and _meets_constraints(compiled, node, self.utils):
                        matches.append((compiled, node))
        for compiled in self.alone:
            config = self.alone_configs[compiled.index]
            matches.extend((compiled, node) for node in _find_all(root, config, [compiled]))
        if matches and IGNORE_MARKER in text:
            covered = ignore_comments(root)
            matches = [(compiled, node) for compiled, node in matches
                       if not _suppressed(covered, node.range().start.line, compiled.rule.id)]
        return matches

    def run(self, root: SgNode, text: str) -> List[SgFinding]:
        return [_finding(compiled, node, text, _unmoved) for compiled, node in self.matches(root, text)]

    def run_wrapped(self, root: SgNode, text: str, files: List["_WrappedFile"]) -> Dict[int, List[SgFinding]]:
        """Findings per file (by the caller's index) in a wrapped batch, in each file's own positions."""
        found: Dict[int, List[SgFinding]] = {}
        header_lines = [wrapped.header_line for wrapped in files]
        for compiled, node in self.matches(root, text):
            start = node.range().start
            wrapped = files[bisect.bisect_right(header_lines, start.line) - 1]
            if start.line == wrapped.header_line or (start.index == wrapped.body_start and node.kind() == "block"):
                continue  # The wrapper itself
            found.setdefault(wrapped.index, []).append(_finding(compiled, node, wrapped.text, wrapped.locate))
        return found


@dataclass
class _Plan:
    """The rules for one set of applicable rules: all of them for a file checked alone; for wrapped batches
    (see ``check_many``), the batchable ones rewritten for the wrapping and the others, run on each file.
    Each rule set is built when first needed (building one takes tens of milliseconds)."""

    chosen: List[_CompiledRule]
    utils: Dict[str, Any]
    built: Dict[str, _RuleSet] = field(default_factory=dict)

    @property
    def any_batchable(self) -> bool:
        return any(compiled.batchable for compiled in self.chosen)

    @property
    def whole(self) -> _RuleSet:
        if "whole" not in self.built:
            self.built["whole"] = _build_rule_set(self.chosen, self.utils)
        return self.built["whole"]

    @property
    def wrapped(self) -> _RuleSet:
        if "wrapped" not in self.built:
            batchable_rules = [compiled for compiled in self.chosen if compiled.batchable]
            self.built["wrapped"] = _build_rule_set(batchable_rules, self.utils, wrapped=True)
        return self.built["wrapped"]

    @property
    def rest(self) -> _RuleSet:
        if "rest" not in self.built:
            self.built["rest"] = _build_rule_set([compiled for compiled in self.chosen if not compiled.batchable],
                                                 self.utils)
        return self.built["rest"]


@dataclass
class _WrappedFile:
    """One file in a wrapped batch: ``if __chs_file__:`` on line ``header_line``, then every line of the file
    with one space before it."""

    index: int  # Position in the caller's list
    text: str  # The file's own text
    header_line: int  # 0-based line of the batch
    content_start: int  # Code point offset of the file's first line (its added space) in the batch
    body_start: int  # Offset of the wrapper's block: the file's first statement
    end: int  # Offset just past the file's last line

    def locate(self, position: Any) -> Tuple[int, int, int]:
        """A position of the batch (ast-grep's ``Pos``) as (0-based line, column, offset) in the file."""
        line = position.line - self.header_line - 1
        added = 1 if position.column > 0 else 0
        return line, position.column - added, position.index - self.content_start - line - added


def _unmoved(position: Any) -> Tuple[int, int, int]:
    return position.line, position.column, position.index


def wrappable(text: str) -> bool:
    """Whether a file can be checked in a wrapped batch (see ``_UNWRAPPABLE``): it has a statement before
    any comment, and nothing whose meaning an added space at the start of each line could change."""
    first = text.lstrip(" \r\n")
    return bool(first) and not first.startswith(("#", "\ufeff")) and _UNWRAPPABLE.search(text) is None


class Matcher:
    """Runs the selected rules of a pack over files, with as few traversals (and rule compilations) as
    it can: see the module's docstring."""

    def __init__(self, pack: Pack, selected_ids: Optional[Iterable[str]] = None,
                 batch_characters: int = BATCH_CHARACTERS):
        """``selected_ids``: the rules to run; None runs every rule whose severity is not ``off``.
        ``batch_characters``: how much source ``check_many`` parses as one tree (0: one file at a time)."""
        selected = None if selected_ids is None else frozenset(selected_ids)
        self.pack = pack
        self.batch_characters = batch_characters
        rules = [
            rule for rule in pack.rules
            if (not rule.opt_in if selected is None else rule.id in selected)
        ]
        self.rules = [_compile_rule(index, rule, pack.utils) for index, rule in enumerate(rules, start=1)]
        self._plans: Dict[FrozenSet[int], _Plan] = {}

    @property
    def rule_ids(self) -> List[str]:
        return [compiled.rule.id for compiled in self.rules]

    def check(self, text: str, relative_path: str) -> List[SgFinding]:
        """Every finding in ``text`` (the file at ``relative_path``, with ``/`` separators, relative to the
        folder the ``files``/``ignores`` globs are written for), sorted by position then code."""
        findings = self._plan_for(relative_path).whole.run(SgRoot(text, LANGUAGE).root(), text)
        findings.sort(key=_position_order)
        return findings

    def check_many(self, sources: Sequence[Tuple[str, str]]) -> List[List[SgFinding]]:
        """``check`` for several (text, relative path) pairs, each of which Python can parse. Files with the
        same applicable rules are parsed together as one tree, each file the body of an ``if __chs_file__:``
        with a space added before each of its lines, and the batchable rules run once on that tree, rewritten
        so that each file's body stands for its module (see ``wrap_config``): each rule is compiled once per
        batch instead of once per file. Files that cannot be wrapped (see ``wrappable``) are checked alone."""
        results: List[List[SgFinding]] = [[] for _ in sources]
        groups: Dict[FrozenSet[int], List[int]] = {}
        for index, (_, path) in enumerate(sources):
            groups.setdefault(self._applicable(path), []).append(index)
        for applicable, indexes in groups.items():
            plan = self._plan(applicable)
            together = [index for index in indexes if plan.any_batchable and wrappable(sources[index][0])]
            chosen = frozenset(together)
            alone = [index for index in indexes if index not in chosen]
            for batch in _batches(together, sources, self.batch_characters):
                if len(batch) == 1:
                    alone.append(batch[0])
                else:
                    self._check_batch(plan, batch, sources, results)
            for index in alone:
                text = sources[index][0]
                results[index] = plan.whole.run(SgRoot(text, LANGUAGE).root(), text)
        for findings in results:
            findings.sort(key=_position_order)
        return results

    def _check_batch(self, plan: _Plan, batch: List[int], sources: Sequence[Tuple[str, str]],
                     results: List[List[SgFinding]]) -> None:
        files, text = _wrap_batch(batch, sources)
        root = SgRoot(text, LANGUAGE).root()
        if not _wrapped_apart(root, files):
            # The parser did not keep each file in its own wrapper: check these files one by one.
            del root
            for index in batch:
                single_text = sources[index][0]
                results[index] = plan.whole.run(SgRoot(single_text, LANGUAGE).root(), single_text)
            return
        for index, findings in plan.wrapped.run_wrapped(root, text, files).items():
            results[index].extend(findings)
        del root
        if not all(compiled.batchable for compiled in plan.chosen):
            for index in batch:
                single_text = sources[index][0]
                results[index].extend(plan.rest.run(SgRoot(single_text, LANGUAGE).root(), single_text))

    def _applicable(self, relative_path: str) -> FrozenSet[int]:
        return frozenset(
            compiled.index for compiled in self.rules
            if compiled.file_filter is None or compiled.file_filter.accepts(relative_path)
        )

    def _plan_for(self, relative_path: str) -> _Plan:
        return self._plan(self._applicable(relative_path))

    def _plan(self, applicable: FrozenSet[int]) -> _Plan:
        plan = self._plans.get(applicable)
        if plan is None:
            plan = _Plan([compiled for compiled in self.rules if compiled.index in applicable], self.pack.utils)
            self._plans[applicable] = plan
        return plan


def _position_order(finding: SgFinding) -> Tuple[int, str, int]:
    return finding.start, finding.code, finding.end


def _batches(indexes: List[int], sources: Sequence[Tuple[str, str]], limit: int) -> Iterator[List[int]]:
    """Consecutive files whose texts add up to at most ``limit`` code points (a bigger file alone)."""
    batch: List[int] = []
    size = 0
    for index in indexes:
        length = len(sources[index][0])
        if batch and size + length > limit:
            yield batch
            batch, size = [], 0
        batch.append(index)
        size += length
    if batch:
        yield batch


_LINE = re.compile(r"[^\n]*\n|[^\n]+$")  # A line and its line feed (a carriage return stays in the line)


def _wrap_batch(batch: List[int], sources: Sequence[Tuple[str, str]]) -> Tuple[List[_WrappedFile], str]:
    files: List[_WrappedFile] = []
    pieces: List[str] = []
    offset = 0
    line = 0
    for index in batch:
        text = sources[index][0]
        lines = _LINE.findall(text)
        if not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        body = " " + " ".join(lines)
        content_start = offset + len(WRAPPER_HEADER)
        first_statement = len(text) - len(text.lstrip(" \r\n"))
        body_start = content_start + first_statement + text.count("\n", 0, first_statement) + 1
        files.append(_WrappedFile(index, text, line, content_start, body_start, content_start + len(body)))
        pieces.append(WRAPPER_HEADER)
        pieces.append(body)
        offset = content_start + len(body)
        line += 1 + len(lines)
    return files, "".join(pieces)


def _wrapped_apart(root: SgNode, files: List[_WrappedFile]) -> bool:
    """Whether the batch parsed as one wrapper ``if`` per file, each holding exactly its file."""
    children = root.children()
    if len(children) != len(files):
        return False
    for child, wrapped in zip(children, files):
        span = child.range()
        if child.kind() != "if_statement" or span.start.line != wrapped.header_line or span.end.index > wrapped.end:
            return False
    return True


def _meets_constraints(compiled: _CompiledRule, node: SgNode, utils: Dict[str, Any]) -> bool:
    """The rule's constraints, checked as ast-grep checks them once the rule matched: each captured
    metavariable must match its constraint rule; a metavariable the match did not capture passes."""
    for variable, rule, uses_utils in compiled.constraint_checks:
        captured = node.get_match(variable)
        if captured is None:
            continue
        try:
            if uses_utils:
                met = captured.find(_config({"all": [_pin(captured), rule]}, {}, utils, {})) is not None
            else:
                met = captured.matches(**rule)
        except Exception as exc:  # noqa: B902 - as in _find_all
            raise RuleFailed(compiled.rule.id, short_error(exc)) from None
        if not met:
            return False
    return True


def _pin(node: SgNode) -> Dict[str, Any]:
    """A rule that only this node (and nodes with exactly its range) matches."""
    span = node.range()
    return {
        "range": {
            "start": {"line": span.start.line, "column": span.start.column},
            "end": {"line": span.end.line, "column": span.end.column},
        }
    }


def _find_all(root: SgNode, config: Dict[str, Any], rules: Sequence[_CompiledRule]) -> List[SgNode]:
    try:
        return root.find_all(config)
    except Exception as exc:  # noqa: B902 - ast-grep-py reports rule problems as several exception types
        raise RuleFailed(",".join(compiled.rule.id for compiled in rules), short_error(exc)) from None


def short_error(exc: BaseException) -> str:
    """An exception in one line: ast-grep-py's messages carry a cause chain and a Rust stack trace."""
    lines = []
    for line in str(exc).splitlines():
        if line.strip().startswith("Stack backtrace:"):
            break
        if line.strip() and line.strip() != "Caused by:":
            lines.append(line.strip())
    return f"{type(exc).__name__}: {'; '.join(lines)}"


def _build_rule_set(chosen: List[_CompiledRule], global_utils: Dict[str, Any],
                    wrapped: bool = False) -> _RuleSet:
    """One config for every mergeable rule: ``any`` over the root kinds. A kind with one rule, whose only
    kind it is, is that rule's tagged branch. Any other kind's rules K1..Km become m branches, the i-th

        all: [{kind: K}, Ki+tag, {any: [K(i+1)+tag, {kind: K}]}, ..., {any: [Km+tag, {kind: K}]}]

    A node is matched by the first branch whose rule matches it; the later ``any`` items then capture the
    tags (and metavariables) of the later rules that match too, and fall through to ``{kind: K}`` for
    those that do not, so one match carries the tags of every rule that matches the node, and each rule
    is evaluated once per node. Each Ki is a util (``matches:``), so its patterns and regexes are compiled
    once. ``wrapped``: the configs are rewritten for wrapped batches (see ``wrap_config``)."""
    merged = [compiled for compiled in chosen if compiled.mergeable]
    alone = [compiled for compiled in chosen if not compiled.mergeable]
    utils = dict(global_utils)
    transform: Dict[str, Any] = {}
    by_kind: Dict[str, List[_CompiledRule]] = {}
    for compiled in merged:
        utils.update(compiled.utils)
        transform.update(compiled.transform)
        for kind in compiled.kinds:
            by_kind.setdefault(kind, []).append(compiled)
    branches: List[Dict[str, Any]] = []
    for kind, rules in by_kind.items():
        if len(rules) == 1 and len(rules[0].kinds) == 1:
            branches.append(rules[0].tagged_branch)
            continue
        for compiled in rules:
            utils[compiled.util_name] = compiled.branch
        tagged = [{"all": [{"matches": compiled.util_name}, {"pattern": f"${compiled.tag}"}]} for compiled in rules]
        for first in range(len(rules)):
            optional = ({"any": [later, {"kind": kind}]} for later in tagged[first + 1:])
            branches.append({"all": [{"kind": kind}, tagged[first], *optional]})
    prepare = (lambda config: lean_config(wrap_config(config))) if wrapped else lean_config
    config = prepare(_config({"any": branches}, {}, utils, transform)) if branches else None
    alone_configs = {compiled.index: prepare(compiled.alone_config) for compiled in alone}
    return _RuleSet(merged, alone, config, utils, by_kind, alone_configs)


# -- compiling one rule ---------------------------------------------------------------------------------


class _Renamer:
    """Renames one rule's capturing metavariables and local utils so it can share a config with others."""

    def __init__(self, index: int, local_utils: Iterable[str]):
        self.prefix = f"R{index}_"
        self.util_prefix = f"__chs{index}__"
        self.local_utils = frozenset(local_utils)
        self.safe = True

    def variable(self, name: str) -> str:
        return name if name.startswith("_") else self.prefix + name

    def util(self, name: str) -> str:
        return self.util_prefix + name if name in self.local_utils else name

    def pattern(self, pattern: str) -> str:
        spans = _string_literal_spans(pattern)

        def rename(match: "re.Match[str]") -> str:
            dollars, name = match.group(1), match.group(2)
            if name.startswith("_"):
                return match.group(0)
            inside = [(start, end) for start, end in spans if start <= match.start() < end]
            if inside and inside[0] != (match.start(), match.end()):
                self.safe = False  # Part of a longer string literal: ast-grep may not see a metavariable
                return match.group(0)
            return dollars + self.prefix + name

        return _PATTERN_METAVARIABLE.sub(rename, pattern)

    def rule(self, rule: Any) -> Any:
        """A renamed copy of a rule object (built with an explicit stack)."""
        holder: List[Any] = [None]
        pending: List[Tuple[Any, Any, Any]] = [(rule, holder, 0)]
        while pending:
            value, parent, key = pending.pop()
            if isinstance(value, list):
                copied_list: List[Any] = [None] * len(value)
                parent[key] = copied_list
                pending.extend((item, copied_list, position) for position, item in enumerate(value))
            elif isinstance(value, dict):
                copied: Dict[str, Any] = {}
                parent[key] = copied
                for name, item in value.items():
                    if name == "pattern" and isinstance(item, str):
                        copied[name] = self.pattern(item)
                    elif name == "pattern" and isinstance(item, dict):
                        copied[name] = dict(item)
                        if isinstance(item.get("context"), str):
                            copied[name]["context"] = self.pattern(item["context"])
                    elif name == "matches" and isinstance(item, str):
                        copied[name] = self.util(item)
                    elif name in ("regex", "kind", "field", "range"):
                        copied[name] = item
                    elif isinstance(item, (dict, list)):
                        pending.append((item, copied, name))
                    else:
                        copied[name] = item
            else:
                parent[key] = value
        return holder[0]

    def transform(self, transform: Dict[str, Any]) -> Dict[str, Any]:
        renamed: Dict[str, Any] = {}
        for name, operation in transform.items():
            if isinstance(operation, str):
                renamed_operation: Any = _STRING_TRANSFORM.sub(
                    lambda match: f"{match.group(1)}{match.group(2) or ''}{self.variable(match.group(3))}",
                    operation,
                    count=1,
                )
            elif isinstance(operation, dict):
                renamed_operation = {}
                for kind, arguments in operation.items():
                    if isinstance(arguments, dict) and isinstance(arguments.get("source"), str):
                        arguments = dict(arguments)
                        arguments["source"] = _TEMPLATE_METAVARIABLE.sub(
                            lambda match: match.group(1) + self.variable(match.group(2)), arguments["source"]
                        )
                    renamed_operation[kind] = arguments
            else:
                renamed_operation = operation
            renamed[self.variable(name)] = renamed_operation
        return renamed


def _string_literal_spans(pattern: str) -> List[Tuple[int, int]]:
    """The (start, end) of the content of every quoted literal in a pattern (quotes excluded)."""
    spans: List[Tuple[int, int]] = []
    position = 0
    while position < len(pattern):
        character = pattern[position]
        if character not in ("'", '"'):
            position += 1
            continue
        quote = pattern[position:position + 3] if pattern[position:position + 3] == character * 3 else character
        start = position + len(quote)
        end = start
        while end < len(pattern) and not pattern.startswith(quote, end):
            end += 2 if pattern[end] == "\\" else 1
        spans.append((start, min(end, len(pattern))))
        position = end + len(quote)
    return spans


def _compile_rule(index: int, rule: PackRule, global_utils: Dict[str, Any]) -> _CompiledRule:
    renamer = _Renamer(index, rule.utils)
    tag = f"{TAG_PREFIX}{index}"
    branch = renamer.rule(rule.rule)
    constraints = {renamer.variable(name): renamer.rule(value) for name, value in rule.constraints.items()}
    utils = {renamer.util(name): renamer.rule(value) for name, value in rule.utils.items()}
    transform = renamer.transform(rule.transform)
    # Checked lean: a util the rule does not use is not compiled (the CLI's ``ast-grep test`` checks the pack)
    alone_config = lean_config(_config(rule.rule, rule.constraints, {**global_utils, **rule.utils}, rule.transform))
    error = _compile_error(alone_config)
    if error is not None:
        raise InvalidPack(rule.path, f"rule {rule.id} does not compile in ast-grep-py: {error}")
    mergeable = renamer.safe and _compile_error(lean_config(_config(branch, constraints, {**global_utils, **utils},
                                                                    transform))) is None
    transform_names = frozenset(rule.transform)
    variable_name = renamer.variable if mergeable else str
    fix_text = rule.fix if isinstance(rule.fix, str) or rule.fix is None else rule.fix.get("template")
    if isinstance(rule.fix, dict) and (rule.fix.get("expandStart") or rule.fix.get("expandEnd")):
        raise InvalidPack(rule.path, f"rule {rule.id}: 'expandStart'/'expandEnd' are not supported by the runner")
    return _CompiledRule(
        index=index,
        rule=rule,
        tag=tag,
        branch=branch,
        tagged_branch={"all": [branch, {"pattern": f"${tag}"}]},
        constraints=constraints,
        constraint_checks=tuple(
            (name, value, _uses_utils(value)) for name, value in constraints.items() if isinstance(value, dict)
        ),
        utils=utils,
        transform=transform,
        alone_config=alone_config,
        message=_parse_template(rule.message, variable_name, transform_names),
        fix=None if fix_text is None else _parse_template(fix_text, variable_name, transform_names),
        file_filter=_file_filter(rule),
        mergeable=mergeable,
        batchable=batchable(rule, global_utils),
    )


def batchable(rule: PackRule, global_utils: Dict[str, Any]) -> bool:
    """Whether the rule gives the same results in a wrapped batch (see ``Matcher.check_many``) as on the file
    alone, once ``wrap_config`` rewrote it: it must not match the module itself (a file's body is a block,
    whose range differs), use absolute positions (``range``), or constraints that use utils (they are
    checked outside the rewritten config)."""
    if "module" in rule.kinds or any(_uses_utils(value) for value in rule.constraints.values()):
        return False
    pending: List[Any] = [rule.rule, *rule.utils.values()]
    seen_utils = set()
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "range" in item:
            return False
        name = item.get("matches")
        if isinstance(name, str) and name in global_utils and name not in rule.utils and name not in seen_utils:
            seen_utils.add(name)
            pending.append(global_utils[name])
        pending.extend(value for value in item.values() if isinstance(value, (dict, list)))
    return True


def wrap_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """The config rewritten for a wrapped batch, where each file is the block of an ``if __chs_file__:`` at
    the top of the tree: ``kind: module`` becomes that block (``FILE_BODY``), and every ``inside`` search
    that may climb to the module (``stopBy: end`` or a rule) stops at the block, so that nothing a rule
    looks at lies outside the file. Sibling relations need nothing: the block's children are the file's
    top-level statements and comments, as the module's are (files with a comment before their first
    statement are not wrapped)."""
    rewritten = _copied(config)
    # Collected before rewriting, so that the inserted FILE_BODY copies are not rewritten themselves
    objects = _rule_objects([rewritten["rule"], *rewritten.get("constraints", {}).values(),
                             *rewritten.get("utils", {}).values()])
    searches = [value["inside"] for value in objects if isinstance(value.get("inside"), dict)]
    modules = [value for value in objects if value.get("kind") == "module"]
    for ancestor in searches:
        stop = ancestor.get("stopBy", "neighbor")
        if stop == "end":
            ancestor["stopBy"] = _copied(FILE_BODY)
        elif isinstance(stop, dict):
            ancestor["stopBy"] = {"any": [stop, _copied(FILE_BODY)]}
    for value in modules:
        del value["kind"]
        options = {name: value.pop(name) for name in _RELATION_OPTIONS if name in value}
        rest = dict(value)
        value.clear()
        value.update({"all": [_copied(FILE_BODY), rest]} if rest else _copied(FILE_BODY))
        value.update(options)
    return rewritten


# -- the cost of compiling a config ----------------------------------------------------------------------

_ATOMIC_KEYS = ("pattern", "kind", "nthChild", "range")  # Evaluated before relational and composite keys
_RULE_LIST_KEYS = ("all", "any")
_RULE_KEYS = ("not", "inside", "has", "follows", "precedes")
_RELATION_OPTIONS = ("stopBy", "field")  # Options of a relational rule object, not rules
REGEX_UTIL_PREFIX = "__chsre"


def lean_config(config: Dict[str, Any]) -> Dict[str, Any]:
    """The same config, cheaper to compile (ast-grep-py compiles every util of a config on every call,
    used or not, and every regex each time it is written):

    * every regex becomes a util written once (``regex: R`` -> ``matches: __chsreN``, kept at the place
      ast-grep evaluates it: after the rule object's other atomic keys, before its relational and composite
      ones), since a regex captures nothing and means the same wherever it stands;
    * utils that the rule, its constraints and the utils they reach do not use are dropped."""
    utils = config.get("utils") or {}
    used = _reachable_utils([config["rule"], config.get("constraints")], utils)
    regexes: Dict[str, str] = {}
    rewritten = dict(config)
    rewritten["rule"] = _interned(config["rule"], regexes)
    if "constraints" in config:
        rewritten["constraints"] = {name: _interned(value, regexes) for name, value in config["constraints"].items()}
    kept = {name: _interned(body, regexes) for name, body in utils.items() if name in used}
    kept.update({name: {"regex": regex} for regex, name in regexes.items()})
    if kept:
        rewritten["utils"] = kept
    else:
        rewritten.pop("utils", None)
    return rewritten


def _rule_objects(roots: List[Any]) -> List[Dict[str, Any]]:
    """Every rule object in the given rule objects: themselves and those nested in ``all``/``any``, ``not``,
    the relational keys, a ``stopBy`` rule and ``nthChild.ofRule`` (not ``matches``: utils are roots of
    their own). Collected first, so callers may rewrite them in place."""
    found: List[Dict[str, Any]] = []
    pending: List[Any] = list(roots)
    while pending:
        value = pending.pop()
        if not isinstance(value, dict):
            continue
        found.append(value)
        for name, item in value.items():
            if name in _RULE_LIST_KEYS and isinstance(item, list):
                pending.extend(item)
            elif name in _RULE_KEYS or (name == "stopBy" and isinstance(item, dict)):
                pending.append(item)
            elif name == "nthChild" and isinstance(item, dict):
                pending.append(item.get("ofRule"))
    return found


def _interned(rule: Any, regexes: Dict[str, str]) -> Any:
    """A copy of a rule object whose regexes are ``matches`` of the utils named in ``regexes`` (filled in)."""
    copied = _copied(rule)
    for value in _rule_objects([copied]):
        regex = value.get("regex")
        if not isinstance(regex, str):
            continue
        util = regexes.setdefault(regex, f"{REGEX_UTIL_PREFIX}{len(regexes)}")
        del value["regex"]
        options = {name: value.pop(name) for name in _RELATION_OPTIONS if name in value}
        atomic = {name: value.pop(name) for name in _ATOMIC_KEYS if name in value}
        parts = [part for part in (atomic, {"matches": util}, dict(value)) if part]
        value.clear()
        if len(parts) == 1:
            value.update(parts[0])
        else:
            value["all"] = parts
        value.update(options)
    return copied


def _copied(value: Any) -> Any:
    """A deep copy of a config's plain data (dicts, lists, strings, numbers), several times faster than
    ``copy.deepcopy``."""
    return json.loads(json.dumps(value))


def _reachable_utils(roots: List[Any], utils: Dict[str, Any]) -> FrozenSet[str]:
    used = set()
    pending: List[Any] = list(roots)
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            name = item.get("matches")
            if isinstance(name, str) and name in utils and name not in used:
                used.add(name)
                pending.append(utils[name])
            pending.extend(value for value in item.values() if isinstance(value, (dict, list)))
    return frozenset(used)


def _uses_utils(rule: Any) -> bool:
    pending = [rule]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if "matches" in item:
                return True
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _config(rule: Dict[str, Any], constraints: Dict[str, Any], utils: Dict[str, Any],
            transform: Dict[str, Any]) -> Dict[str, Any]:
    config: Dict[str, Any] = {"rule": rule}
    if constraints:
        config["constraints"] = constraints
    if utils:
        config["utils"] = utils
    if transform:
        config["transform"] = transform
    return config


def _compile_error(config: Dict[str, Any]) -> Optional[str]:
    """Why ast-grep-py refuses a config, or None (compiled against an empty file)."""
    try:
        SgRoot("", LANGUAGE).root().find_all(config)
    except BaseException as exc:  # noqa: B902 - a Rust panic arrives as pyo3's PanicException, a BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return short_error(exc)
    return None


def _file_filter(rule: PackRule) -> Optional[_FileFilter]:
    if not rule.files and not rule.ignores:
        return None
    try:
        return _FileFilter(tuple(compile_glob(glob) for glob in rule.files),
                           tuple(compile_glob(glob) for glob in rule.ignores))
    except re.error as exc:
        raise InvalidPack(rule.path, f"rule {rule.id}: bad glob: {exc}") from None


def _parse_template(template: str, variable_name: Any, transform_names: FrozenSet[str]) -> _Template:
    fragments: List[str] = []
    variables: List[_TemplateVariable] = []
    position = 0
    for match in _TEMPLATE_METAVARIABLE.finditer(template):
        fragments.append(template[position:match.start()])
        dollars, name = match.group(1), match.group(2)
        multi = dollars == "$$$"
        variables.append(_TemplateVariable(
            lookup=variable_name(name),
            multi=multi,
            transformed=not multi and name in transform_names,
            indent=indent_at(template, match.start()),
        ))
        position = match.end()
    fragments.append(template[position:])
    return _Template(tuple(fragments), tuple(variables))


# -- findings -------------------------------------------------------------------------------------------


Locate = Callable[[Any], Tuple[int, int, int]]  # A tree position -> (0-based line, column, offset) in ``text``


def _finding(compiled: _CompiledRule, node: SgNode, text: str, locate: Locate) -> SgFinding:
    span = node.range()
    start_line, start_column, start = locate(span.start)
    end_line, end_column, end = locate(span.end)
    fix = None
    if compiled.fix is not None:
        fix = SgEdit(start, end, _render(compiled.fix, node, text, start, locate))
    return SgFinding(
        code=compiled.rule.id,
        line=start_line + 1,
        column=start_column,
        end_line=end_line + 1,
        end_column=end_column,
        start=start,
        end=end,
        message=_render(compiled.message, node, text, start, locate),
        severity=compiled.rule.severity,
        fix=fix,
    )


def _render(template: _Template, node: SgNode, text: str, match_start: int, locate: Locate) -> str:
    """A template filled from a match, as ast-grep fills messages and fixes alike: a multi-line value is
    re-indented to the template line it lands on, then every line after the first gets the indentation
    of the matched node's line."""
    if not template.variables:
        rendered = template.fragments[0]
    else:
        pieces = [template.fragments[0]]
        for variable, fragment in zip(template.variables, template.fragments[1:]):
            value, original_indent = _variable_value(variable, node, text, locate)
            pieces.append(reindent(value, original_indent, variable.indent))
            pieces.append(fragment)
        rendered = "".join(pieces)
    if "\n" not in rendered:
        return rendered
    return reindent(rendered, 0, indent_at(text, match_start))


def _variable_value(variable: _TemplateVariable, node: SgNode, text: str, locate: Locate) -> Tuple[str, int]:
    """A variable's text in a match, and the indentation it was written at (for re-indenting it). Values
    come from ``text`` (a file's own text, also in a wrapped batch), except transformed ones, which
    ast-grep computes from the tree's text (in a batch, a multi-line one would keep the added spaces)."""
    if variable.transformed:
        return node.get_transformed(variable.lookup) or "", 0
    if variable.multi:
        nodes = node.get_multiple_matches(variable.lookup)
        if not nodes:
            return "", 0
        start, end = locate(nodes[0].range().start)[2], locate(nodes[-1].range().end)[2]
    else:
        captured = node.get_match(variable.lookup)
        if captured is None:
            return "", 0
        span = captured.range()
        start, end = locate(span.start)[2], locate(span.end)[2]
    value = text[start:end]
    return value, indent_at(text, start) if "\n" in value else 0


def indent_at(text: str, offset: int) -> int:
    """The indentation ast-grep sees at ``offset``: the spaces that start its line (a tab counts as text),
    or 0 when the line starts more than 512 characters back."""
    look_from = max(0, offset - MAX_INDENT_LOOK_BEHIND)
    line_start = text.rfind("\n", look_from, offset) + 1
    if line_start == 0 and look_from > 0:
        return 0
    prefix = text[line_start:offset]
    return len(prefix) - len(prefix.lstrip(" "))


def reindent(value: str, original_indent: int, indent: int) -> str:
    """Shift the lines after the first of a multi-line value from ``original_indent`` to ``indent``."""
    if "\n" not in value or original_indent == indent:
        return value
    if original_indent > indent:
        remove = " " * (original_indent - indent)
        return "\n".join(line[len(remove):] if line.startswith(remove) else line for line in value.split("\n"))
    return value.replace("\n", "\n" + " " * (indent - original_indent))


def ignore_comments(root: SgNode) -> Dict[int, Optional[FrozenSet[str]]]:
    """``# ast-grep-ignore`` comments as the CLI reads them: 0-based line -> codes (None: every code).

    A comment alone on its line covers the next line; after code on the same line, it covers the line
    where that code (the comment's previous sibling) starts. ``: A, B`` names codes (the first word of
    each comma-separated item); anything else after the marker means every code.
    """
    covered: Dict[int, Optional[FrozenSet[str]]] = {}
    for comment in root.find_all(kind="comment", regex=IGNORE_MARKER):
        body = comment.text()[1:].lstrip()
        if not body.startswith(IGNORE_MARKER):
            continue
        rest = body[len(IGNORE_MARKER):].strip()
        codes: Optional[FrozenSet[str]] = None
        if rest.startswith(":"):
            codes = frozenset(item.split()[0] for item in rest[1:].split(",") if item.split())
            if not codes:
                continue
        line = comment.range().start.line
        previous = comment.prev()
        if previous is None or previous.range().end.line != line:
            covered[line + 1] = codes
        else:
            covered[previous.range().start.line] = codes
    return covered


def _suppressed(covered: Dict[int, Optional[FrozenSet[str]]], line: int, code: str) -> bool:
    """Whether an ``# ast-grep-ignore`` comment covers ``code`` on the 0-based ``line``."""
    codes = covered.get(line, frozenset())
    return codes is None or code in codes
