"""Payer profiles: what a payer, its clearinghouse and the trading-partner agreement decide.

A profile is a YAML file. The ones shipped live beside this module (``profiles/``); an agency
names its own file with ``--payer PATH``. Nothing payer-specific is written in code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SHIPPED = Path(__file__).resolve().parent / "profiles"
DEFAULT = "mo_healthnet"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Interchange(_Model):
    sender_qualifier: str = Field("ZZ", min_length=2, max_length=2)
    receiver_qualifier: str = Field("ZZ", min_length=2, max_length=2)
    receiver_id: str = Field(min_length=1, max_length=15)


class Party(_Model):
    name: str = Field(min_length=1, max_length=60)
    id: str = Field(min_length=2, max_length=80)
    id_qualifier: str = "46"


class PayerProfile(_Model):
    id: str
    name: str
    funding: tuple[str, ...]
    usage: Literal["T", "P"] = "T"
    interchange: Interchange
    receiver: Party
    payer: Party
    claim_filing_indicator: str = "MC"
    transaction_type: Literal["CH", "RP"] = "CH"
    max_lines_per_claim: int = Field(50, ge=1, le=50)
    max_diagnoses: int = Field(12, ge=1, le=12)
    place_of_service: dict[str, str]
    timely_filing_days: int = Field(365, ge=1)

    def pos(self, place: str | None) -> str:
        """The place-of-service code for a dataset place (99, other, when unknown)."""
        return self.place_of_service.get(place or "", "99")


class ProfileError(ValueError):
    pass


def shipped() -> list[str]:
    return sorted(p.stem for p in SHIPPED.glob("*.yaml"))


def load_profile(name_or_path: str | Path = DEFAULT) -> PayerProfile:
    """A shipped profile by id (``mo_healthnet``) or a profile file by path."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SHIPPED / f"{name_or_path}.yaml"
        if not path.exists():
            raise ProfileError(
                f"no payer profile {name_or_path!r}; shipped: {', '.join(shipped())}, "
                "or give the path of a profile file"
            )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ProfileError(f"{path.name}: cannot read the profile ({exc})") from exc
    try:
        return PayerProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"{path.name}: {where}: {first['msg']}") from exc
