"""GEN-CODE-UNKNOWN and GEN-CODE-NOT-EFFECTIVE."""

from __future__ import annotations

from decimal import Decimal

from tests.rules.scenario import D, Scenario


def test_unknown_code_is_an_error_and_a_known_one_is_not() -> None:
    s = Scenario()
    s.encounter("cpr")
    bad = s.encounter("cpr", service_code="H9999", modifiers=())
    found = s.findings("GEN-CODE-UNKNOWN")
    assert [f.subject_id for f in found] == [bad["encounter_id"]]
    assert "H9999" in found[0].message
    assert found[0].severity == "error"


def test_0372t_is_clean_on_its_last_day_and_not_the_day_after() -> None:
    s = Scenario()
    s.row("enrollments", client_id="C-ABA")["start_date"] = D(2018, 1, 1)
    s.row("authorizations", authorization_id="AU-ABA")["start_date"] = D(2018, 1, 1)
    before = s.encounter("aba", D(2018, 12, 31), service_code="0372T", units=Decimal(1))
    after = s.encounter("aba", D(2019, 1, 1), service_code="0372T", units=Decimal(1))
    found = s.findings("GEN-CODE-NOT-EFFECTIVE")
    assert [f.subject_id for f in found] == [after["encounter_id"]]
    assert before["encounter_id"] not in {f.subject_id for f in found}
    message = found[0].message
    assert "deleted on 2019-01-01" in message
    for code in ("97153", "97154", "97155", "97156", "97157", "97158", "0373T"):
        assert code in message


def test_a_replacement_code_before_it_existed_is_flagged() -> None:
    s = Scenario()
    early = s.encounter("aba", D(2018, 6, 1))
    s.encounter("aba", D(2025, 1, 8))
    found = s.findings("GEN-CODE-NOT-EFFECTIVE")
    assert [f.subject_id for f in found] == [early["encounter_id"]]
    assert "not yet in force" in found[0].message
