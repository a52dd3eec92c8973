"""Policy packs: each program's rules as cited, effective-dated data.

>>> from datetime import date
>>> policy = load_policy(environ={})
>>> policy.service("SST", [], date(2024, 5, 1)).rate.value
Decimal('69.00')
>>> policy.code_status("0372T", date(2019, 1, 1)).replaced_by[:2]
('97153', '97154')

See docs/policy.md for the file format and docs/rules.md for the catalog built from the packs.
"""

from __future__ import annotations

from caseledger.policy.catalog import LoadedPack, Policy
from caseledger.policy.defs import (
    ActivityKind,
    AgencyDef,
    Cited,
    CodeStatus,
    DocumentDef,
    DocumentElement,
    GroupLimit,
    RuleMeta,
    ServiceDef,
    StaffRoleDef,
    TrainingGroupDef,
    TrainingTopic,
)
from caseledger.policy.errors import PackError, PolicyLookupError, Problem
from caseledger.policy.known import KnownNames
from caseledger.policy.registry import (
    ENV_POLICY_PATH,
    Registry,
    builtin_pack_files,
    load_policy,
)
from caseledger.policy.rounding import units_for_minutes

__all__ = [
    "ENV_POLICY_PATH",
    "ActivityKind",
    "AgencyDef",
    "Cited",
    "CodeStatus",
    "DocumentDef",
    "DocumentElement",
    "GroupLimit",
    "KnownNames",
    "LoadedPack",
    "PackError",
    "Policy",
    "PolicyLookupError",
    "Problem",
    "Registry",
    "RuleMeta",
    "ServiceDef",
    "StaffRoleDef",
    "TrainingGroupDef",
    "TrainingTopic",
    "builtin_pack_files",
    "load_policy",
    "units_for_minutes",
]
