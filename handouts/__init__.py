"""handouts: one-page patient drug handouts, urgent warning signs first.

The Python API is what the command line runs::

    from pathlib import Path
    from handouts import BuildOptions, build, load

    root = Path("my-clinic")  # a workspace: sources/, and optionally styles/, templates/, handouts.toml
    results = build(root, load(root), ["Blincyto"], BuildOptions(paper="a4"))
    print([(r.drug, r.status, r.path) for r in results])

- ``load(root)``: read every source document of a workspace into its catalogue of merged drugs
  (``catalog.drugs``; ``catalog.errors`` lists the files that could not be read).
- ``build(root, catalog, names, options)``: make one PDF per drug named (every drug when
  ``names`` is empty) and return one result per drug (``status``, ``path``, ``message``); a
  drug that cannot be made is a failed result, never an exception.
- ``BuildOptions``: the options of ``handouts build`` (``output``, ``paper``, ``brand``, ``date``,
  ``jobs``, ``force``, ``lang``, ``strict``), all with the command line's defaults.
- ``InputError``: what a bad workspace, drug name or option raises, naming the file and line.

Each name is imported when first used (PEP 562), so ``import handouts`` stays cheap: the command
line imports this package, and WeasyPrint only comes with building.
"""

import importlib

__version__ = "0.1.0"

__all__ = ["BuildOptions", "InputError", "build", "load", "__version__"]

# name -> (module, attribute in it); None: the module itself.
_API = {
    "load": ("handouts.workspace.catalogue", "load"),
    "build": ("handouts.builder.runner", "build"),
    "BuildOptions": ("handouts.builder.options", "BuildOptions"),
    "InputError": ("handouts.errors", "InputError"),
}


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module_name, attribute = _API[name]
    module = importlib.import_module(module_name)
    return module if attribute is None else getattr(module, attribute)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
