"""Loading an ast-grep rule pack (an ``sgconfig.yml`` with its rule and util folders) for the runner.

The checks mirror what the ast-grep CLI refuses, so that a pack the runner loads also loads in
``ast-grep scan``: unknown top-level keys in a rule file, a missing ``id``, ``language`` or ``rule``,
duplicate ids, util ids with ``( ) , =``, references to util rules that exist nowhere. On top of that
the pack conventions require every rule to name its root node ``kind`` (at the top of ``rule``, as the
first item of a top-level ``all:``, or in every item of a top-level ``any:``): the matcher groups rules
by it. Unknown keys in ``sgconfig.yml`` itself are ignored, as the CLI ignores them.
"""
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

from chris_style.sg.yaml_lite import YamlSubsetError, load_yaml

logger = logging.getLogger(__name__)

PACK_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pack")
SGCONFIG_NAME = "sgconfig.yml"
RULE_FILE_SUFFIXES = (".yml", ".yaml")
LANGUAGE = "python"
LANGUAGE_NAMES = frozenset({"python", "py"})
SEVERITIES = ("hint", "info", "warning", "error", "off")
DEFAULT_SEVERITY = "hint"  # What the CLI assumes when a rule names none
RULE_KEYS = (
    "id", "language", "rule", "constraints", "utils", "transform", "fix", "rewriters", "message", "note",
    "severity", "labels", "files", "ignores", "url", "metadata",
)  # The CLI's list, in its order (ast-grep 0.51)
UTIL_ID_FORBIDDEN = "(),="
RELATIONAL_KEYS = ("inside", "has", "precedes", "follows")


class InvalidPack(Exception):
    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class PackRule:
    """One rule file of the pack, as the CLI reads it."""

    id: str
    language: str
    severity: str
    message: str
    note: Optional[str]
    files: Tuple[str, ...]
    ignores: Tuple[str, ...]
    rule: Dict[str, Any]
    constraints: Dict[str, Any] = field(default_factory=dict)
    utils: Dict[str, Any] = field(default_factory=dict)
    transform: Dict[str, Any] = field(default_factory=dict)
    fix: Any = None  # A template string, a {template, expandStart, expandEnd} mapping, or None
    metadata: Dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @property
    def kinds(self) -> Tuple[str, ...]:
        """The node kinds the rule can match (the pack conventions require at least one)."""
        return root_kinds(self.rule)

    @property
    def opt_in(self) -> bool:
        """Rules with severity ``off`` run only when selected by their full code."""
        return self.severity == "off"


@dataclass(frozen=True)
class Pack:
    """A loaded pack: its folder (the one holding sgconfig.yml), its rules sorted by id, its global utils."""

    root: str
    rules: Tuple[PackRule, ...]
    utils: Dict[str, Any]
    sgconfig: str = ""

    def rule(self, rule_id: str) -> PackRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def default_pack() -> Pack:
    """The pack installed with chris_style."""
    return load_pack(os.path.join(PACK_DIR, SGCONFIG_NAME))


def load_pack(sgconfig_path: str) -> Pack:
    """The pack an ``sgconfig.yml`` describes; raises InvalidPack with one line naming the file."""
    if os.path.isdir(sgconfig_path):
        sgconfig_path = os.path.join(sgconfig_path, SGCONFIG_NAME)
    config = _read_yaml(sgconfig_path)
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidPack(sgconfig_path, "an sgconfig file must be a mapping")
    root = os.path.dirname(os.path.abspath(sgconfig_path))
    for key in config:
        if key not in ("ruleDirs", "utilDirs"):
            logger.debug(f"{sgconfig_path}: '{key}' means nothing to the runner")
    utils = _load_utils(sgconfig_path, root, _folder_list(sgconfig_path, config, "utilDirs"))
    rules: List[PackRule] = []
    seen: Dict[str, str] = {}
    for path in _yaml_files(sgconfig_path, root, _folder_list(sgconfig_path, config, "ruleDirs")):
        rule = _parse_rule(path, _read_yaml(path))
        if rule.id in seen:
            raise InvalidPack(path, f"duplicate rule id '{rule.id}' (also in {seen[rule.id]})")
        seen[rule.id] = path
        _check_util_references(rule, utils)
        rules.append(rule)
    rules.sort(key=lambda rule: rule.id)
    return Pack(root=root, rules=tuple(rules), utils=utils, sgconfig=os.path.abspath(sgconfig_path))


def root_kinds(rule: Any) -> Tuple[str, ...]:
    """The node kinds a rule object can match, as its top level says: its ``kind``; or the ``kind`` of the first
    item of its top-level ``all:``; or, for a top-level ``any:``, the kinds of all its items when each names
    some. Empty when the top level does not say (the rule might match any node)."""
    kinds: List[str] = []
    pending: List[Any] = [rule]
    while pending:
        item = pending.pop(0)
        if not isinstance(item, dict):
            return ()
        kind = item.get("kind")
        first = item.get("all", [None])[0] if isinstance(item.get("all"), list) and item.get("all") else None
        if isinstance(kind, str):
            found: Optional[str] = kind
        elif isinstance(first, dict) and isinstance(first.get("kind"), str):
            found = first["kind"]
        elif isinstance(item.get("any"), list) and item["any"]:
            pending.extend(item["any"])
            continue
        else:
            return ()
        if found not in kinds:
            kinds.append(found)
    return tuple(kinds)


def _read_yaml(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidPack(path, f"cannot read the file ({exc})") from None
    try:
        return load_yaml(text, path)
    except YamlSubsetError as exc:
        raise InvalidPack(path, f"line {exc.line}: {exc.problem}") from None


def _folder_list(sgconfig_path: str, config: Dict[str, Any], key: str) -> List[str]:
    folders = config.get(key) or []
    if not isinstance(folders, list) or not all(isinstance(folder, str) for folder in folders):
        raise InvalidPack(sgconfig_path, f"'{key}' must be a list of folders")
    return folders


def _yaml_files(sgconfig_path: str, root: str, folders: List[str]) -> List[str]:
    """Every .yml/.yaml file under the folders (recursively, hidden files too, as the CLI reads them)."""
    found: List[str] = []
    for folder in folders:
        top = os.path.normpath(os.path.join(root, folder))
        if not os.path.isdir(top):
            raise InvalidPack(sgconfig_path, f"cannot read rule directory {top}")
        pending = [top]
        while pending:
            current = pending.pop()
            entries = sorted(os.scandir(current), key=lambda entry: entry.name, reverse=True)
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.name.endswith(RULE_FILE_SUFFIXES):
                    found.append(entry.path)
    return sorted(found)


def _load_utils(sgconfig_path: str, root: str, folders: List[str]) -> Dict[str, Any]:
    utils: Dict[str, Any] = {}
    origins: Dict[str, str] = {}
    for path in _yaml_files(sgconfig_path, root, folders):
        data = _read_yaml(path)
        if not isinstance(data, dict):
            raise InvalidPack(path, "a util file must be a mapping with 'id', 'language' and 'rule'")
        util_id = data.get("id")
        if not isinstance(util_id, str) or not util_id:
            raise InvalidPack(path, "missing field `id`")
        if any(character in util_id for character in UTIL_ID_FORBIDDEN):
            raise InvalidPack(path, f"util id '{util_id}' must not contain any of ( ) , =")
        _check_language(path, data)
        if not isinstance(data.get("rule"), dict):
            raise InvalidPack(path, "missing field `rule` (a rule object)")
        if data.get("utils") or data.get("constraints") or data.get("transform"):
            raise InvalidPack(path, "utils, constraints and transform inside a util file are not supported")
        if util_id in utils:
            raise InvalidPack(path, f"duplicate util id '{util_id}' (also in {origins[util_id]})")
        utils[util_id] = data["rule"]
        origins[util_id] = path
    return utils


def _check_language(path: str, data: Dict[str, Any]) -> None:
    language = data.get("language")
    if language is None:
        raise InvalidPack(path, "missing field `language`")
    if not isinstance(language, str) or language.lower() not in LANGUAGE_NAMES:
        raise InvalidPack(path, f"language {language!r} is not supported: the runner checks Python only")


def _parse_rule(path: str, data: Any) -> PackRule:
    if not isinstance(data, dict):
        raise InvalidPack(path, "a rule file must be a mapping")
    for key in data:
        if key not in RULE_KEYS:
            expected = ", ".join(RULE_KEYS)
            raise InvalidPack(path, f"unknown field `{key}`, expected one of {expected} (custom data goes under "
                                    "'metadata:')")
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise InvalidPack(path, "missing field `id`")
    _check_language(path, data)
    rule = data.get("rule")
    if not isinstance(rule, dict) or not rule:
        raise InvalidPack(path, "missing field `rule` (a rule object)")
    if not root_kinds(rule):
        raise InvalidPack(path, f"rule {rule_id} has no root 'kind' (required at the top of 'rule', as the first "
                                "item of a top-level 'all:', or in every item of a top-level 'any:', so the runner "
                                "can group rules by node kind)")
    severity = data.get("severity", DEFAULT_SEVERITY)
    if severity not in SEVERITIES:
        raise InvalidPack(path, f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
    if data.get("rewriters"):
        raise InvalidPack(path, "'rewriters' are not supported by the runner (ast-grep-py drops them)")
    fix = data.get("fix")
    fix_template = fix.get("template") if isinstance(fix, dict) else fix
    if fix is not None and not isinstance(fix_template, str):
        raise InvalidPack(path, "'fix' must be a template string or a mapping with a 'template'")
    return PackRule(
        id=rule_id,
        language=LANGUAGE,
        severity=severity,
        message=_optional_text(path, data, "message") or "",
        note=_optional_text(path, data, "note"),
        files=_globs(path, data, "files"),
        ignores=_globs(path, data, "ignores"),
        rule=rule,
        constraints=_mapping(path, data, "constraints"),
        utils=_mapping(path, data, "utils"),
        transform=_mapping(path, data, "transform"),
        fix=fix,
        metadata=_mapping(path, data, "metadata"),
        path=path,
    )


def _optional_text(path: str, data: Dict[str, Any], key: str) -> Optional[str]:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidPack(path, f"'{key}' must be text")
    return value


def _mapping(path: str, data: Dict[str, Any], key: str) -> Dict[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidPack(path, f"'{key}' must be a mapping")
    return value


def _globs(path: str, data: Dict[str, Any], key: str) -> Tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidPack(path, f"'{key}' must be a list of glob strings")
    return tuple(value)


def _check_util_references(rule: PackRule, global_utils: Dict[str, Any]) -> None:
    """Every ``matches:`` names a util of the rule or of the pack (the CLI refuses the rule otherwise)."""
    known = set(rule.utils) | set(global_utils)
    pending: List[Any] = [rule.rule, *rule.utils.values(), *rule.constraints.values()]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):
            name = item.get("matches")
            if isinstance(name, str) and name not in known:
                raise InvalidPack(rule.path, f"rule {rule.id} uses util rule '{name}', which is not defined")
            pending.extend(value for value in item.values() if isinstance(value, (dict, list)))


class SgconfigExists(Exception):
    def __init__(self, path: str):
        super().__init__(f"{path} already exists; use --force to overwrite it")
        self.path = path


def sgconfig_text(pack_dir: str, version: str) -> str:
    """An sgconfig.yml that points ``ast-grep scan``/``ast-grep lsp`` at a pack's rule and util folders
    (absolute paths, as the pack's own sgconfig.yml lists them)."""
    pack_dir = os.path.abspath(pack_dir)
    own_config = _read_yaml(os.path.join(pack_dir, SGCONFIG_NAME)) or {}
    if not isinstance(own_config, dict):
        raise InvalidPack(os.path.join(pack_dir, SGCONFIG_NAME), "an sgconfig file must be a mapping")
    lines = [
        f"# Written by `chris-style sg-init` (chris_style {version}): the ast-grep rules of the pack in",
        f"# {pack_dir}.",
        "# `ast-grep scan` and `ast-grep lsp` in this project apply them. Run `chris-style sg-init --force`",
        "# again after installing chris_style somewhere else.",
    ]
    for key in ("ruleDirs", "utilDirs"):
        folders = _folder_list(os.path.join(pack_dir, SGCONFIG_NAME), own_config, key)
        if folders:
            lines.append(f"{key}:")
            # JSON strings are valid YAML double-quoted scalars: any path survives the round trip.
            lines.extend(f"  - {json.dumps(os.path.normpath(os.path.join(pack_dir, folder)))}" for folder in folders)
    return "\n".join(lines) + "\n"


def write_sgconfig(project_root: str, pack_dir: str, version: str, force: bool = False) -> str:
    """Write ``sgconfig.yml`` at ``project_root`` for the pack in ``pack_dir``; returns its path. Raises
    SgconfigExists when the file exists and ``force`` is False."""
    path = os.path.join(project_root, SGCONFIG_NAME)
    text = sgconfig_text(pack_dir, version)
    if os.path.lexists(path) and not force:
        raise SgconfigExists(path)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
