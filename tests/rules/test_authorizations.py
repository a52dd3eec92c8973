"""GEN-AUTH-MISSING, GEN-AUTH-EXCEEDED, GEN-AUTH-MISMATCH and SST-TRANSPORT-PA."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from caseledger.audit.findings import Finding
from caseledger.facts.engines import SparkEngine
from tests.rules.scenario import D, Scenario, T


def ids(found: list[Finding]) -> list[str]:
    return sorted(f.subject_id for f in found)


def auth(s: Scenario, authorization_id: str, **row: Any) -> dict[str, Any]:
    base = {
        "authorization_id": authorization_id,
        "client_id": "C-SST",
        "kind": "service",
        "service_code": "SST",
        "units": 26,
        "start_date": D(2024, 1, 1),
        "end_date": D(2025, 12, 31),
        "number": None,
    }
    base.update(row)
    return s.add("authorizations", **base)


def ride(s: Scenario, date: Any = D(2025, 1, 8), **kw: Any) -> dict[str, Any]:
    """An SST transportation line."""
    row: dict[str, Any] = {
        "service_code": "SST-TRANSPORT",
        "start_time": None,
        "end_time": None,
        "units": Decimal(1),
        "charge": Decimal("12.50"),
        "activity": None,
        "authorization_id": None,
    }
    row.update(kw)
    return s.encounter("sst", date, **row)


# -------------------------------------------------------------------------- GEN-AUTH-MISSING


def test_authorized_and_unauthorized_services_are_clean() -> None:
    s = Scenario()
    for program in ("sst", "cpr", "sud", "aba"):
        s.encounter(program)
    s.remove("authorizations", authorization_id="AU-ABA")  # adaptive behavior needs none
    assert s.findings("GEN-AUTH-MISSING") == []


def test_sst_without_an_authorization_is_an_error_for_the_whole_line() -> None:
    s = Scenario()
    s.remove("authorizations", authorization_id="AU-SST")
    e = s.encounter("sst", authorization_id=None)
    s.encounter("sst", billable=False, authorization_id=None)
    (f,) = s.findings("GEN-AUTH-MISSING")
    assert f.subject_id == e["encounter_id"]
    assert f.message == (
        "SST needs prior authorization, and none for this client covers the date of service."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert (f.client_id, f.staff_id, f.date, f.carc) == ("C-SST", "S-DC1", D(2025, 1, 8), "197")


def test_the_last_day_of_the_authorization_is_covered_and_the_next_is_not() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["end_date"] = D(2025, 1, 8)
    s.encounter("sst", D(2025, 1, 8))
    after = s.encounter("sst", D(2025, 1, 9))
    assert ids(s.findings("GEN-AUTH-MISSING")) == [after["encounter_id"]]


def test_an_authorization_for_another_code_kind_or_client_does_not_cover() -> None:
    s = Scenario()
    s.remove("authorizations", authorization_id="AU-SST")
    auth(s, "AU-1", service_code="SST-TRANSPORT")
    auth(s, "AU-2", kind="transportation")
    auth(s, "AU-3", client_id="C-CPR")
    e = s.encounter("sst", authorization_id=None)
    assert ids(s.findings("GEN-AUTH-MISSING")) == [e["encounter_id"]]


def test_an_authorization_without_dates_covers_every_date() -> None:
    s = Scenario()
    au = s.row("authorizations", authorization_id="AU-SST")
    au["start_date"] = au["end_date"] = None
    s.encounter("sst", D(2025, 1, 8))
    assert s.findings("GEN-AUTH-MISSING") == []


# ------------------------------------------------------------------------- GEN-AUTH-EXCEEDED


def test_units_within_the_authorization_are_clean() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["units"] = 3
    s.weekly("sst", 3, D(2025, 1, 1))
    assert s.findings("GEN-AUTH-EXCEEDED") == []


def test_the_line_past_the_authorized_units_is_flagged_in_date_order() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST").update(units=3, number="PA-1001")
    late = s.encounter("sst", D(2025, 1, 29))  # added first, counted last
    s.weekly("sst", 3, D(2025, 1, 1))
    (f,) = s.findings("GEN-AUTH-EXCEEDED")
    assert f.subject_id == late["encounter_id"]
    assert f.message == (
        "This line brings the units used under authorization AU-SST (PA-1001) to 4, "
        "beyond the 3 authorized."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert f.carc == "198"


def test_the_same_day_is_ordered_by_start_time_and_only_the_excess_is_at_risk() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-ABA")["units"] = 6
    s.encounter("aba", start_time=T(9, 0), end_time=T(10, 0), charge=Decimal("100.00"))
    afternoon = s.encounter("aba", start_time=T(14, 0), end_time=T(15, 0), charge=Decimal("80"))
    (f,) = s.findings("GEN-AUTH-EXCEEDED")
    assert f.subject_id == afternoon["encounter_id"]
    # 4 + 4 = 8 units against 6: two of the afternoon's four units at $20.00 each
    assert "to 8, beyond the 6 authorized" in f.message
    assert f.amount_at_risk == Decimal("40.00")


def test_without_rate_or_charge_the_excess_amount_is_unknown() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-ABA")["units"] = 4
    s.encounter("aba", D(2025, 1, 8))
    s.encounter("aba", D(2025, 1, 9))
    (f,) = s.findings("GEN-AUTH-EXCEEDED")
    assert f.amount_at_risk is None


def test_lines_naming_no_authorization_draw_on_the_covering_one() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["units"] = 1
    s.encounter("sst", D(2025, 1, 8), authorization_id=None)
    second = s.encounter("sst", D(2025, 1, 15), authorization_id=None, units=None)
    found = s.findings("GEN-AUTH-EXCEEDED")
    # the empty units are what the 180 documented minutes support: one half-day
    assert ids(found) == [second["encounter_id"]]
    assert "to 2, beyond the 1 authorized" in found[0].message


def test_each_authorization_counts_its_own_lines() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST").update(units=1, end_date=D(2024, 12, 31))
    auth(s, "AU-SST2", units=2, start_date=D(2025, 1, 1))
    s.encounter("sst", D(2024, 12, 18))
    s.encounter("sst", D(2025, 1, 8), authorization_id=None)
    s.encounter("sst", D(2025, 1, 15), authorization_id="AU-SST2")
    third = s.encounter("sst", D(2025, 1, 22), authorization_id=None)
    found = s.findings("GEN-AUTH-EXCEEDED")
    assert ids(found) == [third["encounter_id"]]
    assert "AU-SST2" in found[0].message and "to 3, beyond the 2" in found[0].message


def test_a_named_authorization_is_drawn_on_even_when_another_covers_the_date() -> None:
    s = Scenario()
    auth(s, "AU-SMALL", units=1)
    s.encounter("sst", D(2025, 1, 8), authorization_id="AU-SMALL")
    named = s.encounter("sst", D(2025, 1, 15), authorization_id="AU-SMALL")
    s.encounter("sst", D(2025, 1, 22))  # draws on AU-SST
    found = s.findings("GEN-AUTH-EXCEEDED")
    assert ids(found) == [named["encounter_id"]]


def test_unbilled_lines_do_not_use_units_and_no_limit_means_no_finding() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["units"] = 1
    s.row("authorizations", authorization_id="AU-ABA")["units"] = None
    s.encounter("sst", D(2025, 1, 1), billable=False)
    s.encounter("sst", D(2025, 1, 8))
    s.weekly("aba", 3, D(2025, 1, 1))
    assert s.findings("GEN-AUTH-EXCEEDED") == []


# ------------------------------------------------------------------------ GEN-AUTH-MISMATCH


def test_a_line_naming_its_own_authorization_is_clean() -> None:
    s = Scenario()
    s.encounter("sst")
    s.encounter("aba")
    s.encounter("cpr")
    assert s.findings("GEN-AUTH-MISMATCH") == []


def test_an_authorization_of_another_client_and_code_is_named() -> None:
    s = Scenario()
    e = s.encounter("sst", authorization_id="AU-ABA")
    (f,) = s.findings("GEN-AUTH-MISMATCH")
    assert f.subject_id == e["encounter_id"]
    assert f.message == (
        "Authorization AU-ABA (PA-2001) named on this line is for another client and is for "
        "service 97153, not SST."
    )
    assert f.amount_at_risk == Decimal("69.00")
    assert f.carc == "284"


def test_an_authorization_period_that_does_not_cover_the_date() -> None:
    s = Scenario()
    s.encounter("sst", D(2025, 12, 31))
    after = s.encounter("sst", D(2026, 1, 2))
    (f,) = s.findings("GEN-AUTH-MISMATCH")
    assert f.subject_id == after["encounter_id"]
    assert f.message == (
        "Authorization AU-SST (PA-1001) named on this line runs 2024-01-01 to 2025-12-31, "
        "not covering the date of service."
    )


def test_open_ended_periods_are_described_by_the_side_they_have() -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["end_date"] = None
    s.row("authorizations", authorization_id="AU-SST")["start_date"] = D(2025, 2, 1)
    s.encounter("sst", D(2025, 1, 8))
    (f,) = s.findings("GEN-AUTH-MISMATCH")
    assert "runs from 2025-02-01, not covering" in f.message


def test_an_authorization_not_on_file_and_one_of_another_kind() -> None:
    s = Scenario()
    auth(s, "AT-1", kind="transportation", service_code=None, number="T-7")
    gone = s.encounter("sst", D(2025, 1, 8), authorization_id="AU-GONE")
    wrong = s.encounter("sst", D(2025, 1, 15), authorization_id="AT-1")
    found = {f.subject_id: f.message for f in s.findings("GEN-AUTH-MISMATCH")}
    assert found == {
        gone["encounter_id"]: "Authorization AU-GONE named on this line is not on file.",
        wrong["encounter_id"]: (
            "Authorization AT-1 (T-7) named on this line is a transportation authorization."
        ),
    }


# ------------------------------------------------------------------------- SST-TRANSPORT-PA


def test_authorized_transportation_for_a_client_without_other_means_is_clean() -> None:
    s = Scenario()
    auth(s, "AT-1", kind="transportation", service_code="SST-TRANSPORT")
    ride(s)
    s.encounter("sst")
    assert s.findings("SST-TRANSPORT-PA") == []


def test_a_transportation_authorization_without_a_code_covers_the_ride() -> None:
    s = Scenario()
    auth(s, "AT-1", kind="transportation", service_code=None, end_date=D(2025, 1, 8))
    ride(s, D(2025, 1, 8))
    after = ride(s, D(2025, 1, 9))
    found = s.findings("SST-TRANSPORT-PA")
    assert ids(found) == [after["encounter_id"]]


def test_transportation_without_its_own_authorization_is_an_error() -> None:
    s = Scenario()
    # the half-day's service authorization does not cover transportation
    e = ride(s, authorization_id="AU-SST")
    ride(s, billable=False)
    (f,) = s.findings("SST-TRANSPORT-PA")
    assert f.subject_id == e["encounter_id"]
    assert f.message == (
        "Transportation is billed, but no transportation authorization covers the date of service."
    )
    assert f.amount_at_risk == Decimal("12.50")
    assert f.carc == "197"


def test_transportation_for_a_client_with_other_means_is_an_error_even_if_authorized() -> None:
    s = Scenario()
    s.row("clients", client_id="C-SST")["has_other_transportation"] = True
    auth(s, "AT-1", kind="transportation", service_code="SST-TRANSPORT")
    e = ride(s, charge=None)
    (f,) = s.findings("SST-TRANSPORT-PA")
    assert f.subject_id == e["encounter_id"]
    assert f.message == (
        "Transportation is billed, but the client has other means of transportation."
    )
    assert f.amount_at_risk is None  # the pack has no transportation rate


def test_both_problems_are_named_in_one_finding() -> None:
    s = Scenario()
    s.row("clients", client_id="C-SST")["has_other_transportation"] = True
    ride(s)
    (f,) = s.findings("SST-TRANSPORT-PA")
    assert f.message == (
        "Transportation is billed, but no transportation authorization covers the date of "
        "service, and the client has other means of transportation."
    )


def test_duckdb_and_spark_agree(spark_engine: SparkEngine) -> None:
    s = Scenario()
    s.row("authorizations", authorization_id="AU-SST")["units"] = 2
    s.row("clients", client_id="C-SST")["has_other_transportation"] = True
    auth(s, "AT-1", kind="transportation", service_code=None, end_date=D(2025, 1, 10))
    s.weekly("sst", 3, D(2025, 1, 1))
    s.encounter("sst", D(2026, 1, 7))
    s.encounter("sst", D(2025, 2, 5), authorization_id="AU-ABA")
    s.encounter("sst", D(2025, 2, 12), authorization_id="AU-GONE")
    s.encounter("cpr", D(2025, 2, 12))
    ride(s, D(2025, 1, 8))
    ride(s, D(2025, 1, 15))
    rules = ["GEN-AUTH-MISSING", "GEN-AUTH-EXCEEDED", "GEN-AUTH-MISMATCH", "SST-TRANSPORT-PA"]
    duck = s.audit(rules).findings
    spark = s.audit(rules, engine=spark_engine).findings
    assert {f.rule for f in duck} == set(rules)
    assert [f.to_dict() for f in duck] == [f.to_dict() for f in spark]
