"""Small rule packs written into temporary folders, and the real ast-grep CLI run on them."""
import json
import os
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

AST_GREP = shutil.which("ast-grep")

# A pattern rule with a fix; a rule with constraints, a global util and a local util; a rule limited to test
# files; an opt-in rule (severity off). Two rules share the call kind and the metavariable $NAME.
RULES = {
    "CHS901": """\
        id: CHS901
        language: python
        severity: warning
        message: use typing.$UPPER instead of builtin $NAME[...]
        rule:
          kind: generic_type
          all:
            - has:
                kind: identifier
                pattern: $NAME
                regex: ^(dict|list|set|tuple)$
            - has:
                kind: type_parameter
                pattern: $PARAMETERS
        transform:
          UPPER:
            convert:
              source: $NAME
              toCase: capitalize
        fix: $UPPER$PARAMETERS
        """,
    "CHS902": """\
        id: CHS902
        language: python
        severity: warning
        message: call the module's logger, not logging.$NAME($TEXT)
        rule:
          kind: call
          all:
            - matches: root-logger-call
            - has:
                field: function
                has:
                  field: attribute
                  pattern: $NAME
            - has:
                field: arguments
                matches: has-text
        constraints:
          NAME:
            regex: ^(debug|info|warning|error|exception|critical)$
        utils:
          has-text:
            has:
              kind: string
              pattern: $TEXT
        """,
    "CHS903": """\
        id: CHS903
        language: python
        severity: warning
        message: name the test '$NAME' test_WHEN_..._THEN_...
        files: ["**/test_*.py"]
        rule:
          kind: function_definition
          has:
            field: name
            pattern: $NAME
            regex: ^test_
            not:
              regex: ^test_WHEN_.+_THEN_.+
        """,
    "CHS950": """\
        id: CHS950
        language: python
        severity: off
        message: call to $NAME
        rule:
          kind: call
          has:
            field: function
            kind: identifier
            pattern: $NAME
        constraints:
          NAME:
            regex: ^print$
        """,
}
UTILS = {
    "root-logger-call": """\
        id: root-logger-call
        language: python
        rule:
          pattern: logging.$METHOD($$$)
        """,
}


@dataclass
class CliFinding:
    """One match of ``ast-grep scan --json=stream``, with 0-based line and code point column."""

    path: str
    code: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    replacement: Optional[str]


def write(folder: str, relative: str, text: str) -> str:
    path = os.path.join(folder, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def write_pack(folder: str, rules: Optional[Dict[str, str]] = None, utils: Optional[Dict[str, str]] = None,
               sgconfig: str = "ruleDirs: [rules]\nutilDirs: [utils]\n") -> str:
    """A pack in ``folder`` (rules/<id>.yml, utils/<id>.yml, sgconfig.yml); returns the sgconfig's path."""
    for name, text in (RULES if rules is None else rules).items():
        write(folder, f"rules/{name}.yml", textwrap.dedent(text))
    for name, text in (UTILS if utils is None else utils).items():
        write(folder, f"utils/{name}.yml", textwrap.dedent(text))
    os.makedirs(os.path.join(folder, "rules"), exist_ok=True)
    os.makedirs(os.path.join(folder, "utils"), exist_ok=True)
    return write(folder, "sgconfig.yml", sgconfig)


def run_ast_grep(folder: str, arguments: Sequence[str], timeout: float = 120) -> subprocess.CompletedProcess:
    assert AST_GREP is not None, "the test extra installs ast-grep-cli"
    return subprocess.run([AST_GREP, *arguments], cwd=folder, capture_output=True, text=True, timeout=timeout)


def ast_grep_findings(folder: str, paths: Sequence[str], extra: Sequence[str] = ()) -> List[CliFinding]:
    """What ``ast-grep scan --json=stream`` reports in ``folder`` (suppression notices left out)."""
    result = run_ast_grep(folder, ["scan", "--json=stream", *extra, *paths])
    assert result.returncode in (0, 1), result.stderr
    findings = []
    for line in result.stdout.splitlines():
        data = json.loads(line)
        if data["ruleId"] == "unused-suppression":
            continue
        findings.append(CliFinding(
            path=data["file"],
            code=data["ruleId"],
            line=data["range"]["start"]["line"],
            column=data["range"]["start"]["column"],
            end_line=data["range"]["end"]["line"],
            end_column=data["range"]["end"]["column"],
            message=data["message"],
            replacement=data.get("replacement"),
        ))
    return findings
