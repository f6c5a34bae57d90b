"""The clause checker's domain package stays pure: standard library, reference data and other domain modules only."""

import ast
import sys
from pathlib import Path

import registry.domain.contracts as clauses


def test_clause_domain_imports_no_framework_database_or_io_library():
    for path in Path(clauses.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or name.startswith(("registry.domain", "registry.reference")), (
                    f"{path.name} imports {name}")
