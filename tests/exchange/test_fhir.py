"""FHIR R4 export: each client's Bundle parses with fhir.resources, names its resources by stable
``urn:uuid:`` URLs, and says what the store says (round trip); a small demo agency, billed, exports
Bundles that all parse; the export is access-logged; the command works on its own."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import typer
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.claim import Claim
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.resource import Resource
from typer.testing import CliRunner

from caseledger.cli.fhir import app as fhir_app
from caseledger.exchange import fhir
from caseledger.facts.dataset import write_dataset
from caseledger.store import Store
from caseledger.store.importer import import_dataset
from caseledger.store.tables import access_log, claim_files, claim_lines, claims
from tests.rules.scenario import AS_OF, Scenario

D = dt.date
CLIENT = "C-CPR"


@dataclass
class Stored:
    store: Store
    url: str
    folder: Path


def _scenario() -> Scenario:
    s = Scenario()
    s.encounter("cpr", D(2025, 1, 8))
    s.encounter("cpr", D(2025, 1, 15), place="video", units=Decimal("1.5"))
    s.encounter("cpr", D(2025, 1, 22), place="home", start_time=None, end_time=None)
    s.encounter("sst", D(2025, 1, 9))
    s.encounter("aba", D(2025, 1, 10))
    s.add("diagnoses", client_id=CLIENT, icd10="F41.1", rank=2, start_date=D(2023, 5, 1),
          end_date=D(2024, 6, 30))  # fmt: skip
    s.add("plan_goals", plan_id=s.row("plans", client_id=CLIENT)["plan_id"], goal_id="G2",
          text="Keep a weekly schedule of work shifts")  # fmt: skip
    return s


def _record_claims(store: Store) -> None:
    """Two claims for the CPR client, as the 837 builder records them: an original with two
    lines, and its replacement with one (the payer's number came back on the first)."""
    encounters = {e["date"]: e for e in _stored_encounters(store, CLIENT)}
    first, second = encounters[D(2025, 1, 8)], encounters[D(2025, 1, 15)]
    with store.unit_of_work(actor="test") as uow:
        file_id = uow.connection.execute(
            claim_files.insert().returning(claim_files.c.id),
            {
                "control_number": 101,
                "kind": "837P",
                "profile": "mo_healthnet",
                "created_at": dt.datetime(2025, 2, 1, 15, 30),
                "created_by": "test",
                "sha256": "0" * 64,
                "claims": 2,
                "lines": 3,
                "total": Decimal("101.80"),
            },
        ).scalar_one()
        uow.connection.execute(
            claims.insert(),
            [
                {"claim_id": "CL1", "file_id": file_id, "client_id": CLIENT, "frequency": "1",
                 "replaces": None, "total": Decimal("71.26"), "payer_claim_number": "PCN-9"},
                {"claim_id": "CL2", "file_id": file_id, "client_id": CLIENT, "frequency": "7",
                 "replaces": "CL1", "total": Decimal("30.54"), "payer_claim_number": None},
            ],
        )  # fmt: skip
        uow.connection.execute(
            claim_lines.insert(),
            [
                _line("CL1", 1, first, Decimal("40.72")),
                _line("CL1", 2, second, Decimal("30.54")),
                _line("CL2", 1, second, Decimal("30.54")),
            ],
        )


def _line(claim_id: str, number: int, encounter: dict[str, Any], charge: Decimal) -> dict[str, Any]:
    return {
        "claim_id": claim_id,
        "line_number": number,
        "encounter_id": encounter["encounter_id"],
        "service_code": encounter["service_code"],
        "modifiers": ";".join(encounter["modifiers"]),
        "date": encounter["date"],
        "units": encounter["units"],
        "charge": charge,
    }


def _stored_encounters(store: Store, client_id: str) -> list[dict[str, Any]]:
    with store.unit_of_work(actor="test") as uow:
        return uow.encounters.for_client(client_id)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stored]:
    folder = tmp_path_factory.mktemp("fhir")
    write_dataset(_scenario().dataset(), folder / "data")
    url = f"sqlite:///{folder / 'store.db'}"
    store = Store.open(url)
    assert import_dataset(store, folder / "data", actor="test").committed
    _record_claims(store)
    yield Stored(store, url, folder)
    store.close()


def _export(stored: Stored, out: Path, client_id: str | None = CLIENT) -> Bundle:
    result = fhir.export_bundles(stored.store, out, client_id=client_id, as_of=AS_OF)
    return Bundle.model_validate_json(result.files[CLIENT].read_text(encoding="utf-8"))


def _of(bundle: Bundle, kind: type[Resource]) -> list[Any]:
    return [e.resource for e in bundle.entry or [] if isinstance(e.resource, kind)]


def _identifier(resource: Any, system: str) -> str | None:
    return next((i.value for i in resource.identifier or [] if i.system == system), None)


# ------------------------------------------------------------------ the round trip


def test_the_bundle_says_what_the_store_says(stored: Stored, tmp_path: Path) -> None:
    bundle = _export(stored, tmp_path)
    assert bundle.type == "collection"
    with stored.store.unit_of_work(actor="test") as uow:
        client = uow.repo("clients").get(CLIENT)
        diagnoses = uow.repo("diagnoses").list_by_parent(CLIENT)
        plans = uow.repo("plans").list_where(client_id=CLIENT)
        goals = uow.repo("plan_goals").where_in("plan_id", [p["plan_id"] for p in plans])
        encounters = uow.encounters.for_client(CLIENT)
    assert client is not None

    (patient,) = _of(bundle, Patient)
    assert patient.name[0].family == client["last_name"]
    assert patient.name[0].given == [client["first_name"]]
    assert patient.birthDate == client["dob"]
    assert _identifier(patient, fhir.MEDICAID_SYSTEM) == client["medicaid_id"]

    exported = {_identifier(e, "urn:caseledger:encounters"): e for e in _of(bundle, Encounter)}
    assert set(exported) == {e["encounter_id"] for e in encounters}
    for row in encounters:
        e = exported[str(row["encounter_id"])]
        start = e.period.start
        assert (start.date() if isinstance(start, dt.datetime) else start) == row["date"]
        assert [c.code for c in e.type[0].coding] == [row["service_code"]]
        units = [x.valueDecimal for x in e.extension if x.url == fhir.UNITS_EXTENSION]
        assert units == [row["units"]]

    codes = sorted(c.code.coding[0].code for c in _of(bundle, Condition))
    assert codes == sorted(str(d["icd10"]) for d in diagnoses)

    goal_text = {g.id: g.description.text for g in _of(bundle, Goal)}
    for plan in _of(bundle, CarePlan):
        plan_id = _identifier(plan, "urn:caseledger:plans")
        wanted = sorted(str(g["text"]) for g in goals if g["plan_id"] == plan_id)
        got = sorted(goal_text[g.reference.removeprefix("urn:uuid:")] for g in plan.goal)
        assert got == wanted and len(wanted) == 2


def test_claims_carry_their_lines_and_totals(stored: Stored, tmp_path: Path) -> None:
    bundle = _export(stored, tmp_path)
    with stored.store.unit_of_work(actor="test") as uow:
        heads = {r.claim_id: r for r in uow.connection.execute(sa.select(claims))}
        lines = list(uow.connection.execute(sa.select(claim_lines)))
    found = {_identifier(c, "urn:caseledger:claims"): c for c in _of(bundle, Claim)}
    assert set(found) == set(heads)
    for claim_id, c in found.items():
        assert c.total.value == heads[claim_id].total
        mine = sorted((r for r in lines if r.claim_id == claim_id), key=lambda r: r.line_number)
        got = [
            (i.sequence, i.productOrService.coding[0].code, i.servicedDate, i.quantity.value,
             i.net.value)
            for i in c.item
        ]  # fmt: skip
        assert got == [(r.line_number, r.service_code, r.date, r.units, r.charge) for r in mine]
        assert sum(i.net.value for i in c.item) == c.total.value
    original, replacement = found["CL1"], found["CL2"]
    assert _identifier(original, fhir.PAYER_CLAIM_SYSTEM) == "PCN-9"
    assert replacement.related[0].claim.reference == fhir.full_url("claims", "CL1")
    assert [x.valueCode for x in replacement.extension] == ["7"]
    assert original.created == dt.datetime(2025, 2, 1, 15, 30, tzinfo=dt.UTC)
    assert original.item[0].modifier[0].coding[0].code == "HO"


def test_a_claim_names_by_identifier_what_is_not_in_the_bundle() -> None:
    """A void of a claim not on record, billing an encounter purged since."""
    sent = fhir.SentClaim(
        {"claim_id": "CL9", "client_id": "C1", "frequency": "8", "replaces": "CL0",
         "total": Decimal("10.00"), "payer_claim_number": None},
        ({"claim_id": "CL9", "line_number": 1, "encounter_id": "E-GONE", "service_code": "90837",
          "modifiers": None, "date": D(2025, 1, 2), "units": Decimal("1"),
          "charge": Decimal("10.00")},),
        dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        "dmh_pos",
    )  # fmt: skip
    c: Any = fhir.claim(sent, {"client_id": "C1", "agency_id": "A1", "medicaid_id": None})
    assert c.related[0].claim.identifier.value == "CL0"
    assert c.item[0].encounter[0].identifier.value == "E-GONE"
    assert c.item[0].productOrService.coding[0].system == fhir.CPT_SYSTEM
    assert c.insurance[0].coverage.display == "dmh_pos"
    assert [x.valueCode for x in c.extension] == ["8"]


def test_a_client_without_claims_has_no_claim(stored: Stored, tmp_path: Path) -> None:
    fhir.export_bundles(stored.store, tmp_path, client_id="C-SST", as_of=AS_OF)
    bundle = Bundle.model_validate_json((tmp_path / "C-SST.json").read_text(encoding="utf-8"))
    assert _of(bundle, Claim) == []
    assert _of(bundle, Encounter)


# ------------------------------------------------------------------ structure


def test_every_resource_validates_and_every_reference_resolves(
    stored: Stored, tmp_path: Path
) -> None:
    bundle = _export(stored, tmp_path)
    entries: list[Any] = list(bundle.entry or [])
    urls = {e.fullUrl for e in entries}
    kinds = set()
    for entry in entries:
        data = entry.resource.model_dump(mode="json")
        kind = data["resourceType"]
        kinds.add(kind)
        get_fhir_model_class(kind).model_validate(data)  # each on its own, by its own model
        assert entry.fullUrl == f"urn:uuid:{entry.resource.id}"
    assert kinds == {
        "Patient", "Organization", "Practitioner", "Encounter", "CarePlan", "Goal", "Condition",
        "Claim",
    }  # fmt: skip
    text = (tmp_path / f"{CLIENT}.json").read_text(encoding="utf-8")
    references = {v for v in _values(json.loads(text), "reference") if v.startswith("urn:uuid:")}
    assert references and references <= urls


def _values(node: Any, key: str) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str):
                yield v
            yield from _values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)


def test_a_re_export_is_byte_for_byte_the_same(stored: Stored, tmp_path: Path) -> None:
    _export(stored, tmp_path / "one")
    _export(stored, tmp_path / "two")
    first = (tmp_path / "one" / f"{CLIENT}.json").read_bytes()
    assert first == (tmp_path / "two" / f"{CLIENT}.json").read_bytes()
    assert fhir.full_url("encounters", "E1") == fhir.full_url("encounters", "E1")
    assert fhir.full_url("encounters", "E1") != fhir.full_url("claims", "E1")


def test_codes_name_their_systems_and_carry_no_descriptor_text(
    stored: Stored, tmp_path: Path
) -> None:
    assert fhir.service_system("90837") == fhir.CPT_SYSTEM
    assert fhir.service_system("0591T") == fhir.CPT_SYSTEM
    assert fhir.service_system("H2017") == fhir.HCPCS_SYSTEM
    assert fhir.service_system("SST") == fhir.LOCAL_SERVICE_SYSTEM
    bundle = _export(stored, tmp_path)
    for e in _of(bundle, Encounter):
        assert all(c.display is None for c in e.type[0].coding)
    for c in _of(bundle, Claim):
        assert all(cd.display is None for i in c.item for cd in i.productOrService.coding)


def test_the_place_gives_the_encounter_class(stored: Stored, tmp_path: Path) -> None:
    bundle = _export(stored, tmp_path)
    by_day = {e.period.start.isoformat()[:10]: e for e in _of(bundle, Encounter)}
    assert by_day["2025-01-08"].class_fhir.code == "AMB"  # facility
    assert by_day["2025-01-15"].class_fhir.code == "VR"  # video
    assert by_day["2025-01-22"].class_fhir.code == "HH"  # home
    assert by_day["2025-01-22"].period.start == D(2025, 1, 22)  # no time recorded: the date
    assert by_day["2025-01-08"].period.start.utcoffset() == dt.timedelta(hours=-6)  # CST
    assert all(c.system == fhir.ACT_CODE_SYSTEM for c in (e.class_fhir for e in by_day.values()))


def test_statuses_follow_the_as_of_day(stored: Stored, tmp_path: Path) -> None:
    bundle = _export(stored, tmp_path)
    statuses = {
        c.code.coding[0].code: c.clinicalStatus.coding[0].code for c in _of(bundle, Condition)
    }
    assert statuses == {"F33.1": "active", "F41.1": "inactive"}
    assert {p.status for p in _of(bundle, CarePlan)} == {"active"}
    assert {g.lifecycleStatus for g in _of(bundle, Goal)} == {"active"}


def test_each_export_is_access_logged_per_client(stored: Stored, tmp_path: Path) -> None:
    def entries() -> list[Any]:
        with stored.store.unit_of_work(actor="test") as uow:
            query = sa.select(access_log).where(
                access_log.c.action == "export", access_log.c.record_type == "fhir"
            )
            return list(uow.connection.execute(query))

    before = len(entries())
    result = fhir.export_bundles(stored.store, tmp_path, as_of=AS_OF, actor="exporter")
    new = entries()[before:]
    assert sorted(e.client_id for e in new) == sorted(result.files)
    assert {(e.actor, e.record_id, e.detail) for e in new} == {("exporter", None, "FHIR R4 bundle")}


def test_an_unknown_client_is_refused_and_nothing_is_written(
    stored: Stored, tmp_path: Path
) -> None:
    with pytest.raises(fhir.ClientNotFound):
        fhir.export_bundles(stored.store, tmp_path, client_id="NOBODY", as_of=AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_file_names_are_safe_for_any_client_id() -> None:
    assert fhir.bundle_filename("C-1") == "C-1.json"
    assert fhir.bundle_filename("a/b") == "a%2Fb.json"
    assert fhir.bundle_filename("..") == "%2E%2E.json"


# ------------------------------------------------------------------ the command


def test_the_command_exports_one_client_or_all(
    stored: Stored, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASELEDGER_DB", stored.url)
    runner = CliRunner()
    args = ["export", "--client", CLIENT, "--out", str(tmp_path / "one"), "--as-of", "2025-03-15"]
    result = runner.invoke(fhir_app, args)
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "one").iterdir()] == [f"{CLIENT}.json"]
    result = runner.invoke(fhir_app, ["export", "--all", "--out", str(tmp_path / "all")])
    assert result.exit_code == 0, result.output
    assert "Wrote 4 FHIR R4 bundles" in result.output
    assert len(list((tmp_path / "all").glob("*.json"))) == 4


def test_the_command_takes_db_and_refuses_bad_usage(stored: Stored, tmp_path: Path) -> None:
    runner = CliRunner()
    out = str(tmp_path / "out")
    result = runner.invoke(fhir_app, ["export", "--all", "--out", out, "--db", stored.url])
    assert result.exit_code == 0, result.output
    for args in (["--out", out], ["--all", "--client", CLIENT, "--out", out]):
        result = runner.invoke(fhir_app, ["export", *args, "--db", stored.url])
        assert result.exit_code == 2
    result = runner.invoke(
        fhir_app, ["export", "--client", "NOBODY", "--out", out, "--db", stored.url]
    )
    assert result.exit_code == 2
    assert "no such client" in result.output


def test_mounted_under_the_main_command_it_reads_the_main_db_option(
    stored: Stored, tmp_path: Path
) -> None:
    from caseledger.cli import root

    main = typer.Typer()
    main.callback()(root)
    main.add_typer(fhir_app, name="fhir")
    out = str(tmp_path / "out")
    args = ["--db", stored.url, "fhir", "export", "--client", CLIENT, "--out", out]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / f"{CLIENT}.json").is_file()


# ------------------------------------------------------------------ a demo agency, billed


def test_every_bundle_of_a_billed_demo_agency_parses(tmp_path: Path) -> None:
    from caseledger.claims.billing import build
    from caseledger.claims.profile import load_profile
    from caseledger.demo import DemoOptions, generate
    from caseledger.policy import load_policy

    made = generate(tmp_path / "demo", DemoOptions(clients=40, months=3))
    as_of = dt.date.fromisoformat(made.as_of)
    with Store.open(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert import_dataset(store, tmp_path / "demo", actor="test").committed
        billed = build(store, load_policy(), load_profile(), as_of=as_of, actor="test")
        assert billed.claims
        result = fhir.export_bundles(store, tmp_path / "fhir", as_of=as_of)
        with store.unit_of_work(actor="test") as uow:
            client_ids = uow.repo("clients").ids()
    assert set(result.files) == client_ids
    claimed = 0
    for path in result.files.values():
        bundle = Bundle.model_validate_json(path.read_text(encoding="utf-8"))
        assert len(_of(bundle, Patient)) == 1
        claimed += len(_of(bundle, Claim))
    assert claimed == len(billed.claims)
