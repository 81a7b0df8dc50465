"""Editors end to end: flake8 on standard input with a display name, and real language servers over stdio.

Editors lint on save by piping the buffer to ``flake8 -`` with ``--stdin-display-name=<path>``
(python-lsp-server, VS Code's flake8 extension) or by running ``ast-grep lsp`` in the project. These tests
drive the real programs; every wait has a timeout, so a hung server fails the test instead of hanging CI.
"""
import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Dict, Iterator, List, Optional, Tuple

from chris_style.cli import main as chris_style_main

logger = logging.getLogger(__name__)

BIN_DIR = os.path.dirname(sys.executable)  # The environment's flake8 and ast-grep live next to its python
SERVER_TIMEOUT = 30.0  # Seconds to wait for one answer; a healthy server answers in well under a second
PYLSP_SETTINGS = {
    "pylsp": {
        "plugins": {
            "flake8": {"enabled": True, "select": ["CHS"]},
            "pycodestyle": {"enabled": False},
            "pyflakes": {"enabled": False},
            "mccabe": {"enabled": False},
        }
    }
}
BUFFER = 'def test_thing():\n    assert x == 1\n    print("hi")\n'


class LanguageServerDidNotAnswer(Exception):
    def __init__(self, what: str, seen: List[Dict[str, Any]]):
        super().__init__(f"no {what} within {SERVER_TIMEOUT} s; messages seen: {json.dumps(seen)[:2000]}")


class LanguageServerExited(Exception):
    def __init__(self, what: str):
        super().__init__(f"the language server closed its output while we waited for {what}")


@dataclass
class _LanguageServer:
    """A minimal JSON-RPC client speaking the Language Server Protocol to a server process over stdio."""

    process: subprocess.Popen
    incoming: "queue.Queue[Optional[Dict[str, Any]]]" = field(default_factory=queue.Queue)
    unread: List[Dict[str, Any]] = field(default_factory=list)  # Messages received but not yet waited for
    seen: List[Dict[str, Any]] = field(default_factory=list)  # Every message received, for failure reports
    next_id: int = 1

    def send(self, message: Dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Dict[str, Any]) -> Dict[str, Any]:
        request_id = self.next_id
        self.next_id += 1
        self.send({"id": request_id, "method": method, "params": params})
        return self.wait_for(f"the answer to {method}", lambda message: message.get("id") == request_id
                             and "method" not in message)

    def wait_for(self, what: str, wanted: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        """The first message (already received or still to come) that ``wanted`` accepts."""
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            for index, message in enumerate(self.unread):
                if wanted(message):
                    return self.unread.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LanguageServerDidNotAnswer(what, self.seen)
            try:
                message = self.incoming.get(timeout=remaining)
            except queue.Empty:
                raise LanguageServerDidNotAnswer(what, self.seen) from None
            if message is None:
                raise LanguageServerExited(what)
            self.seen.append(message)
            if "method" in message and "id" in message:
                # A request from the server (progress tokens, configuration): an empty answer will do.
                self.send({"id": message["id"], "result": None})
            else:
                self.unread.append(message)

    def diagnostics(self, uri: str, wanted: Callable[[List[Dict[str, Any]]], bool]) -> List[Dict[str, Any]]:
        """The next published diagnostics of ``uri`` that ``wanted`` accepts; the ones before it are dropped
        (each publication replaces the previous one)."""
        while True:
            message = self.wait_for(
                f"diagnostics for {uri}",
                lambda message: message.get("method") == "textDocument/publishDiagnostics"
                and message["params"]["uri"] == uri,
            )
            if wanted(message["params"]["diagnostics"]):
                return message["params"]["diagnostics"]


def _read_messages(stream: IO[bytes], incoming: "queue.Queue[Optional[Dict[str, Any]]]") -> None:
    """Reader thread: one decoded message per frame (``Content-Length`` header, blank line, JSON body)."""
    while True:
        length = None
        line = stream.readline()
        while line not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
            line = stream.readline()
        if not line or length is None:
            incoming.put(None)
            return
        incoming.put(json.loads(stream.read(length).decode("utf-8")))


@contextlib.contextmanager
def _language_server(command: List[str], root: Path, log_path: Path) -> Iterator[_LanguageServer]:
    """A started and initialized server for the workspace ``root``; shut down (or killed) on the way out."""
    env = dict(os.environ, PATH=BIN_DIR + os.pathsep + os.environ.get("PATH", ""))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=str(root), env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=log)
        server = _LanguageServer(process)
        threading.Thread(target=_read_messages, args=(process.stdout, server.incoming), daemon=True).start()
        try:
            server.request("initialize", {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": {"textDocument": {"publishDiagnostics": {}}},
            })
            server.notify("initialized", {})
            yield server
            server.request("shutdown", {})
            server.notify("exit", {})
            process.wait(timeout=SERVER_TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=SERVER_TIMEOUT)
            process.stdin.close()
            process.stdout.close()


def _open(server: _LanguageServer, path: Path, text: str) -> str:
    uri = path.as_uri()
    server.notify("textDocument/didOpen",
                  {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
    return uri


def _save(server: _LanguageServer, path: Path, text: str, version: int) -> None:
    """What an editor does on save: the buffer changes, is written to disk, and the server is told."""
    uri = path.as_uri()
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})
    path.write_text(text, encoding="utf-8")
    server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})


def _summary(diagnostics: List[Dict[str, Any]]) -> List[Tuple[Any, int, int]]:
    """(code, 0-based line, 0-based character) of each diagnostic, sorted."""
    return sorted((item.get("code"), item["range"]["start"]["line"], item["range"]["start"]["character"])
                  for item in diagnostics)


def _has_chs(diagnostics: List[Dict[str, Any]]) -> bool:
    return any(str(item.get("code", "")).startswith("CHS") for item in diagnostics)


def _flake8_stdin(folder: Path, display_name: Optional[str], text: str) -> List[str]:
    arguments = ["--select=CHS", "--extend-select=CHS553"]
    if display_name is not None:
        arguments.append(f"--stdin-display-name={display_name}")
    result = subprocess.run([sys.executable, "-m", "flake8", *arguments, "-"], input=text, cwd=str(folder),
                            capture_output=True, text=True, timeout=120)
    assert "" == result.stderr
    return result.stdout.splitlines()


def test_WHEN_flake8_reads_stdin_AND_display_name_given_THEN_test_detection_AND_layout_use_it(tmp_path):
    # Set up our test
    (tmp_path / "pkg").mkdir()
    (tmp_path / "test_pkg").mkdir()
    (tmp_path / "pkg" / "other.py").write_text("", encoding="utf-8")
    test_findings = [
        ":1:1: CHS501 test name 'test_thing' should match '^test_WHEN_.+_THEN_.+'",
        ":2:5: CHS502 actual value on the left of '=='; swap the operands: assert expected == actual",
    ]
    print_finding = (":3:5: CHS409 print() in a non-test module; log through the module's logger "
                     "(or write to sys.stdout)")

    # TEST: the three default test-file globs apply to the display name: test rules on, CHS409 off
    for name in ("pkg/test_thing.py", "pkg/thing_test.py", "pkg/conftest.py"):
        assert [name + line for line in test_findings] == _flake8_stdin(tmp_path, name, BUFFER)

    # TEST: a display name that is not a test file: CHS409, no test rules
    assert ["pkg/thing.py" + print_finding] == _flake8_stdin(tmp_path, "pkg/thing.py", BUFFER)

    # TEST: CHS204 checks the display name's base name
    expected = ["pkg/BadName.py:1:1: CHS204 module file name 'BadName.py' should be snake_case",
                "pkg/BadName.py" + print_finding]
    assert expected == _flake8_stdin(tmp_path, "pkg/BadName.py", BUFFER)

    # TEST: CHS553 looks for the mirrored source module on disk, from the display name
    expected = [
        "test_pkg/test_thing.py" + test_findings[0],
        "test_pkg/test_thing.py:1:1: CHS553 no source module 'pkg/thing.py' for this test module; mirror the "
        "package: test_<pkg>/<path>/test_<mod>.py tests <pkg>/<path>/<mod>.py",
        "test_pkg/test_thing.py" + test_findings[1],
    ]
    assert expected == _flake8_stdin(tmp_path, "test_pkg/test_thing.py", BUFFER)
    assert [] == [line for line in _flake8_stdin(tmp_path, "test_pkg/test_other.py", BUFFER) if "CHS553" in line]

    # TEST: an absolute display name (as some editors pass) works the same
    absolute = str(tmp_path / "test_pkg" / "test_thing.py")
    assert [absolute + line[len("test_pkg/test_thing.py"):] for line in expected] == _flake8_stdin(
        tmp_path, absolute, BUFFER)

    # TEST: without a display name flake8 calls the file "stdin": no file-name rules, not a test file
    assert ["stdin" + print_finding] == _flake8_stdin(tmp_path, None, BUFFER)


def test_WHEN_pylsp_flake8_plugin_enabled_AND_file_saved_THEN_chs_diagnostics_published(tmp_path):
    # Set up our test
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    path = root / "tests" / "test_sample.py"
    clean = "def test_WHEN_run_THEN_ok():\n    assert 2 == 1 + 1\n"
    path.write_text(clean, encoding="utf-8")
    broken = "def helper(value: int):\n    return value\n\n\ndef test_sample():\n    assert helper(1) == 1\n"

    # Run our test
    with _language_server([sys.executable, "-m", "pylsp"], root, tmp_path / "pylsp.log") as server:
        server.notify("workspace/didChangeConfiguration", {"settings": PYLSP_SETTINGS})
        uri = _open(server, path, clean)
        opened = server.diagnostics(uri, lambda diagnostics: True)
        _save(server, path, broken, version=2)
        saved = server.diagnostics(uri, _has_chs)

    # Check our results
    assert [] == opened
    expected = [("CHS101", 0, 0), ("CHS501", 4, 0), ("CHS502", 5, 4)]
    assert expected == _summary(saved)
    assert {"flake8"} == {item["source"] for item in saved}
    first = min(saved, key=lambda item: item["range"]["start"]["line"])
    assert first["message"].startswith("CHS101 missing return annotation on 'helper'")


def test_WHEN_ast_grep_lsp_runs_after_sg_init_AND_file_opened_THEN_chs_diagnostics_published(tmp_path, capsys):
    # Set up our test
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    assert 0 == chris_style_main(["sg-init", "--root", str(root)])
    capsys.readouterr()
    path = root / "service.py"
    text = "from os import *\n\n\ndef load() -> None:\n    try:\n        pass\n    except:\n        pass\n"
    path.write_text(text, encoding="utf-8")

    # Run our test
    with _language_server([os.path.join(BIN_DIR, "ast-grep"), "lsp"], root, tmp_path / "ast-grep.log") as server:
        uri = _open(server, path, text)
        opened = server.diagnostics(uri, _has_chs)
        _save(server, path, "from os import path\n", version=2)
        fixed = server.diagnostics(uri, lambda diagnostics: not _has_chs(diagnostics))

    # Check our results
    assert [("CHS301", 0, 0), ("CHS404", 6, 4)] == _summary(opened)
    assert [] == fixed
