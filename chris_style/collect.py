"""The engine's own collector: imports, classes and functions, shared by every family through FileContext."""
import ast
import logging
from typing import Optional

from chris_style.context import FunctionInfo, ImportBinding
from chris_style.engine import Family, visits

logger = logging.getLogger(__name__)


class FileFacts(Family):
    """Runs first on every node type it visits, so rules see the bindings made so far."""

    @visits(ast.Import)
    def import_(self, node: ast.Import, parent: Optional[ast.AST]) -> None:
        for alias in node.names:
            if alias.asname:
                name, module = alias.asname, alias.name
            else:
                name = module = alias.name.split(".", 1)[0]
            kind = self.file.classify_module(alias.name)
            self.file.imports[name] = ImportBinding(name, module, None, kind, node)

    @visits(ast.ImportFrom)
    def import_from(self, node: ast.ImportFrom, parent: Optional[ast.AST]) -> None:
        module = node.module or ""
        kind = self.file.classify_module(module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            name = alias.asname or alias.name
            self.file.imports[name] = ImportBinding(name, module, alias.name, kind, node)

    @visits(ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    def function(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        self.file.functions[id(node)] = FunctionInfo(node, self.walk.scopes)

    @visits(ast.Return)
    def return_(self, node: ast.Return, parent: Optional[ast.AST]) -> None:
        value = node.value
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            return
        info = self._innermost_function()
        if info is not None:
            info.returns_value = True

    @visits(ast.Yield, ast.YieldFrom)
    def yield_(self, node: ast.AST, parent: Optional[ast.AST]) -> None:
        info = self._innermost_function()
        if info is not None:
            info.yields = True

    def _innermost_function(self) -> Optional[FunctionInfo]:
        function = self.walk.function
        return None if function is None else self.file.functions.get(id(function))

    @visits(ast.ClassDef)
    def class_def(self, node: ast.ClassDef, parent: Optional[ast.AST]) -> None:
        if self.walk.at_module_level or node.name not in self.file.classes:
            self.file.classes[node.name] = node
