"""Reading a pack file's YAML while remembering the line of every key.

PyYAML keeps each node's position (``node.start_mark``); we compose the node tree once, note the
line of every key and list item by its path, and construct the plain data from the same tree. An
error found later (by pydantic or by a cross-check) names a path, and :class:`LineMap` turns that
path back into a line of the file.

Scalars follow YAML 1.2 habits rather than 1.1: only ``true``/``false`` are booleans (so a
modifier like ``NO`` or ``ON`` stays text), numbers with a leading zero stay text (``0372T`` and
``0362`` are codes, not octal numbers), and decimals are read exactly (``20.36`` stays 20.36).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from caseledger.policy.errors import PackError, Problem

PathKey = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


# libyaml's parser is about ten times faster and keeps the same marks; the pure-Python one is
# the fallback where PyYAML was built without it.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PackLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader with YAML 1.2-style booleans and numbers, text keys and exact decimals."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            # Keys are names or codes: keep their text exactly as written (97153, 0372T, true).
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_exact_decimal(self, node: ScalarNode) -> Decimal:
        return Decimal(str(self.construct_scalar(node)).replace("_", ""))

    def construct_lenient_timestamp(self, node: ScalarNode) -> Any:
        # A date-like scalar that is no real date (2020-13-01) stays text, so the schema can
        # say which key holds it instead of the whole file failing to parse.
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_PackLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_PackLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_PackLoader.add_implicit_resolver(
    _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_PackLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"), list("-+0123456789")
)
_PackLoader.add_constructor(_FLOAT, _PackLoader.construct_exact_decimal)
_PackLoader.add_constructor("tag:yaml.org,2002:timestamp", _PackLoader.construct_lenient_timestamp)


@dataclass
class LineMap:
    """The line of every key and list item of one file, by path."""

    lines: dict[PathKey, int] = field(default_factory=dict)
    kinds: dict[PathKey, str] = field(default_factory=dict)

    def has(self, path: PathKey) -> bool:
        return path in self.lines

    def locate(self, loc: Sequence[str | int]) -> tuple[int, str]:
        """The line and the readable key path (``services.SST.rates[0].value``) of ``loc``.

        ``loc`` may be longer than what the file holds: a missing key is shown with the line of
        the mapping it belongs in, and a list index that the file wrote as a single mapping (one
        dated version) is skipped."""
        path: PathKey = ()
        shown: list[str | int] = []
        for step in loc:
            candidate = (*path, step)
            if candidate in self.lines:
                path = candidate
                shown.append(step)
                continue
            kind = self.kinds.get(path)
            if isinstance(step, int) and kind == "map":
                continue
            if isinstance(step, str) and kind == "map" and step != "[key]":
                shown.append(step)
            break
        return self.lines.get(path, 1), format_path(shown)


def format_path(path: Sequence[str | int]) -> str:
    """``("services", "SST", "rates", 0)`` → ``services.SST.rates[0]``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


def _index(node: Node, path: PathKey, lines: LineMap, problems: list[Problem], src: str) -> None:
    if isinstance(node, MappingNode):
        lines.kinds[path] = "map"
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node)
            child = (*path, key)
            line = key_node.start_mark.line + 1
            if child in lines.lines:
                first = lines.lines[child]
                shown = format_path(child)
                problems.append(
                    Problem(src, line, shown, f"duplicate key (first given on line {first})")
                )
                continue
            lines.lines[child] = line
            _index(value_node, child, lines, problems, src)
    elif isinstance(node, SequenceNode):
        lines.kinds[path] = "seq"
        for i, item in enumerate(node.value):
            child = (*path, i)
            lines.lines[child] = item.start_mark.line + 1
            _index(item, child, lines, problems, src)
    else:
        lines.kinds[path] = "scalar"


def load_yaml(text: str, source: str) -> tuple[Any, LineMap]:
    """The data of one YAML document and the line of each of its keys.

    Raises :class:`PackError` for a syntax error or a duplicate key, naming the line."""
    loader = _PackLoader(text)
    try:
        node = loader.get_single_node()
        lines = LineMap()
        if node is None:
            return None, lines
        lines.lines[()] = node.start_mark.line + 1
        problems: list[Problem] = []
        _index(node, (), lines, problems, source)
        if problems:
            raise PackError(problems)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise PackError([Problem(source, line, "", f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise PackError([Problem(source, 0, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return data, lines
