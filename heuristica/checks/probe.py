"""Asked under the interpreter being verified: what it is, and what it has.

Run as a file (``python probe.py REQUEST_JSON``) by that interpreter, which may
be another Python with other packages and without this project's
dependencies, so this module uses the standard library only and is written
for any CPython 3.8 or later. It prints one JSON object.

Requests:
- ``{"what": "environment", "packages": [...], "modules": [...]}``: the
  interpreter, platform, each package's installed version (or null), and for
  each top-level module whether it is installed and which distribution has it.
- ``{"what": "signature", "bindings": [...], "name": "a.b"}``: import the
  bindings, resolve the name, and describe ``inspect.signature`` of it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import platform
import re
import sys
from typing import Any


def environment(packages: list[str], modules: list[str]) -> dict[str, Any]:
    distributions = importlib.metadata.packages_distributions()
    stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    found = {module: next(iter(distributions.get(module, ())), None) for module in modules}
    named = sorted({*packages, *(name for name in found.values() if name)})
    return {
        "implementation": platform.python_implementation(),
        "python": platform.python_version(),
        "platform": sys.platform,
        "machine": platform.machine(),
        "executable": sys.executable,
        "packages": {name: _version(name) for name in named},
        "modules": {
            module: {
                "installed": module in stdlib or importlib.util.find_spec(module) is not None,
                "distribution": distribution,
            }
            for module, distribution in found.items()
        },
    }


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def signature(bindings: list[dict[str, str | None]], name: str) -> dict[str, Any]:
    """Import each binding ``{"bound": local name, "module": m, "attribute": a or null}``,
    then find ``name`` through the bound names, else on each imported module."""
    bound: dict[str, Any] = {}
    modules: list[Any] = []
    for binding in bindings:
        module_name = str(binding["module"])
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            return {"outcome": "import-failed", "message": f"{type(error).__name__}: {error}"}
        modules.append(module)
        attribute = binding["attribute"]
        if attribute is None:
            root = module_name.split(".")[0]
            bound[str(binding["bound"])] = module if binding["bound"] != root else sys.modules[root]
        elif hasattr(module, attribute):
            bound[str(binding["bound"])] = getattr(module, attribute)
        else:
            try:
                bound[str(binding["bound"])] = importlib.import_module(f"{module_name}.{attribute}")
            except ImportError:
                message = f"cannot import name {attribute!r} from {module_name!r}"
                return {"outcome": "import-failed", "message": f"ImportError: {message}"}
    found = _resolve(name, bound, modules)
    if found is None:
        return {"outcome": "not-found"}
    parameters: list[dict[str, Any]] | None
    try:
        parameters = [
            {
                "name": parameter.name,
                "kind": parameter.kind.name,
                "default": None
                if parameter.default is inspect.Parameter.empty
                else repr(parameter.default),
            }
            for parameter in inspect.signature(found).parameters.values()
        ]
    except (TypeError, ValueError) as error:
        parameters = _text_signature(found)
        if parameters is None:
            return {"outcome": "no-signature", "message": f"{type(error).__name__}: {error}"}
    return {
        "outcome": "found",
        "where": f"{getattr(found, '__module__', '?')}.{getattr(found, '__qualname__', name)}",
        "parameters": parameters,
    }


def _text_signature(found: Any) -> list[dict[str, Any]] | None:
    """The parameters a built-in declares in its ``__text_signature__``, read as
    source and never run, for the built-ins ``inspect.signature`` refuses (a
    default it cannot represent: ``os.register_at_fork(*, before=<unrepresentable>)``).
    Such a default is described as ``<unrepresentable>``; None when there is no
    text signature or it cannot be read (Python < 3.9 has no ``ast.unparse``)."""
    text = getattr(found, "__text_signature__", None)
    if not isinstance(text, str) or not hasattr(ast, "unparse"):
        return None
    text = re.sub(r"=\s*<[^<>]*>", "=...", text)  # an unrepresentable default
    text = re.sub(r"^\(\s*\$\w+\s*(,\s*/\s*)?,?\s*", "(", text)  # $module / $self
    try:
        arguments = ast.parse(f"def f{text}: pass").body[0].args  # type: ignore[attr-defined]
    except (SyntaxError, AttributeError, IndexError):
        return None
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    described = [
        _described(arg.arg, kind, default)
        for arg, kind, default in zip(  # noqa: B905 (no strict= before 3.10; equal lengths)
            positional,
            ["POSITIONAL_ONLY"] * len(arguments.posonlyargs)
            + ["POSITIONAL_OR_KEYWORD"] * len(arguments.args),
            defaults,
        )
    ]
    if arguments.vararg is not None:
        described.append(_described(arguments.vararg.arg, "VAR_POSITIONAL", None))
    described += [
        _described(arg.arg, "KEYWORD_ONLY", default)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults)  # noqa: B905
    ]
    if arguments.kwarg is not None:
        described.append(_described(arguments.kwarg.arg, "VAR_KEYWORD", None))
    return described


def _described(name: str, kind: str, default: Any) -> dict[str, Any]:
    if default is None:
        shown = None
    elif isinstance(default, ast.Constant) and default.value is Ellipsis:
        shown = "<unrepresentable>"
    else:
        shown = ast.unparse(default)
    return {"name": name, "kind": kind, "default": shown}


def _resolve(name: str, bound: dict[str, Any], modules: list[Any]) -> Any:
    first, *rest = name.split(".")
    starts = [bound[first]] if first in bound else [getattr(m, first, None) for m in modules]
    for start in starts:
        found = start
        for part in rest:
            found = getattr(found, part, None)
        if found is not None:
            return found
    return None


def main(argv: list[str]) -> None:
    request = json.loads(argv[1])
    if request["what"] == "environment":
        answer = environment(request["packages"], request["modules"])
    else:
        answer = signature(request["bindings"], request["name"])
    print(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv)
