"""Finding and registering packs: the built-in ones and an agency's own, through one function.

The built-in packs in ``packs/`` are not special: :func:`load_policy` registers each of them with
:meth:`Registry.register`, the same call that registers an agency's override file, so whatever an
override can do, a built-in pack does the same way.

Override files come from ``CASELEDGER_POLICY_PATH`` (files separated by the system's path
separator, ``:`` on Linux) and from the ``extra`` argument, in that order; later files win on the
dates they cover.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from caseledger.policy.catalog import LoadedPack, Policy
from caseledger.policy.checks import Locator, file_problems, policy_problems
from caseledger.policy.errors import PackError, Problem
from caseledger.policy.known import KnownNames
from caseledger.policy.layering import merge_model, merge_packs, with_defaults
from caseledger.policy.loader import PackFile, read_pack_file
from caseledger.policy.schema import Pack
from caseledger.policy.walk import iter_timelines

ENV_POLICY_PATH = "CASELEDGER_POLICY_PATH"
BUILTIN_DIR = Path(__file__).resolve().parent / "packs"


def builtin_pack_files() -> list[Path]:
    """The pack files shipped with caseledger, in name order."""
    return sorted(BUILTIN_DIR.glob("*.yaml"))


def env_pack_files(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Override files named by ``CASELEDGER_POLICY_PATH``."""
    value = (os.environ if environ is None else environ).get(ENV_POLICY_PATH, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def _display(path: Path) -> str:
    # Built-in packs are named by file name only: messages and docs must not depend on where
    # the package happens to be installed.
    return path.name if path.parent == BUILTIN_DIR else str(path)


class Registry:
    """Collects pack files, then merges and checks them into a :class:`Policy`."""

    def __init__(self, known: KnownNames | None = None) -> None:
        self.known = known
        self._layers: dict[str, list[PackFile]] = {}
        self._merged: dict[str, Pack] = {}

    @property
    def pack_ids(self) -> list[str]:
        return list(self._layers)

    def register(self, path: Path | str, display: str | None = None) -> PackFile:
        """Load one pack file and add it: a full pack, or an override of a registered pack.

        Raises :class:`PackError` naming file, line and key for every problem in the file."""
        path = Path(path)
        pf = read_pack_file(path, display or _display(path))
        for _, versions in iter_timelines(pf.pack):
            for version in versions:
                version._origin = pf.display
        problems = [*file_problems(pf, self.known), *self._placement_problems(pf)]
        if problems:
            raise PackError(problems)
        pf = replace(pf, pack=self._with_defaults(pf.pack))
        if pf.pack.extends is None:
            self._layers[pf.pack.pack] = [pf]
            self._merged[pf.pack.pack] = pf.pack
        else:
            self._layers[pf.pack.extends].append(pf)
            self._merged[pf.pack.extends] = merge_packs(self._merged[pf.pack.extends], pf.pack)
        return pf

    def _placement_problems(self, pf: PackFile) -> list[Problem]:
        """A full pack must be new; an override must extend a registered pack."""
        pack = pf.pack
        if pack.extends is None and pack.pack in self._layers:
            line, _ = pf.locate(("pack",))
            other = self._layers[pack.pack][0].display
            message = f"pack '{pack.pack}' is already registered from {other}"
            return [Problem(pf.display, line, "pack", message)]
        if pack.extends is not None and pack.extends not in self._layers:
            line, _ = pf.locate(("extends",))
            known = ", ".join(self._layers) or "none"
            message = f"extends unknown pack '{pack.extends}' (registered: {known})"
            return [Problem(pf.display, line, "extends", message)]
        return []

    def _with_defaults(self, pack: Pack) -> Pack:
        """``pack`` with the services it adds completed from the pack's service defaults, as
        they stand after this file (so a service added to a built-in pack by an override gets
        that pack's unit and rounding too)."""
        base = self._merged.get(pack.extends) if pack.extends else None
        defaults = pack.service_defaults
        if base is not None and base.service_defaults is not None:
            defaults = (
                base.service_defaults
                if defaults is None
                else merge_model(base.service_defaults, defaults)
            )
        existing = base.services if base is not None else {}
        services = {
            key: service if key in existing else with_defaults(service, defaults)
            for key, service in pack.services.items()
        }
        return pack.model_copy(update={"services": services})

    def build(self) -> Policy:
        """Check the packs together and index them. Raises :class:`PackError`."""
        problems = policy_problems(self._merged, Locator(self._layers))
        if problems:
            raise PackError(problems)
        loaded = {
            pid: LoadedPack(pid, self._merged[pid], tuple(layers))
            for pid, layers in self._layers.items()
        }
        return Policy(loaded)


def load_policy(
    extra: Sequence[Path | str] = (),
    *,
    known: KnownNames | None = None,
    environ: Mapping[str, str] | None = None,
    builtins: bool = True,
) -> Policy:
    """The built-in packs, then overrides from ``CASELEDGER_POLICY_PATH``, then ``extra``.

    ``environ`` replaces ``os.environ`` (pass ``{}`` to ignore the variable); ``known`` adds
    checks of names against the dataset contract. Raises :class:`PackError`."""
    registry = Registry(known)
    files = [
        *(builtin_pack_files() if builtins else []),
        *env_pack_files(environ),
        *map(Path, extra),
    ]
    for path in files:
        registry.register(path)
    return registry.build()
