"""The names a pack may use from the dataset contract (programs, credential kinds, columns ...).

The policy package imports nothing else of ours, so it is told these names by its caller: the
command line passes the dataset schema (``KnownNames.from_schema(caseledger.facts.schema)``), and a
pack that names a credential kind, training topic or column the dataset does not have then fails at
load instead of never matching anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class KnownNames:
    programs: frozenset[str] = frozenset()
    funding: frozenset[str] = frozenset()
    authorization_kinds: frozenset[str] = frozenset()
    certification_kinds: frozenset[str] = frozenset()
    credential_kinds: frozenset[str] = frozenset()
    education_levels: frozenset[str] = frozenset()
    training_topics: frozenset[str] = frozenset()
    activities: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    #: dataset file (without .csv) → its columns
    columns: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_schema(cls, schema: Any) -> KnownNames:
        """Read the names from the dataset schema module (``caseledger.facts.schema``)."""
        return cls(
            programs=frozenset(schema.PROGRAMS),
            funding=frozenset(schema.FUNDING),
            authorization_kinds=frozenset(schema.AUTHORIZATION_KINDS),
            certification_kinds=frozenset(schema.CERTIFICATION_KINDS),
            credential_kinds=frozenset(schema.CREDENTIAL_KINDS),
            education_levels=frozenset(schema.EDUCATION_LEVELS),
            training_topics=frozenset(schema.TRAINING_TOPICS),
            activities=frozenset(schema.ACTIVITIES),
            places=frozenset(schema.PLACES),
            columns={t.name: frozenset(t.column_names) for t in schema.TABLES},
        )
