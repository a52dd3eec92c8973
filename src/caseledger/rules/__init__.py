"""The built-in rules, one module per concern. Importing this package registers every rule in it:
each module is discovered and imported, so adding a rule never means editing a list here."""

from __future__ import annotations

import importlib
import pkgutil

_FRAMEWORK = {"registry", "context", "common"}

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _FRAMEWORK and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")
