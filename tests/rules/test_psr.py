"""PSR-STAFF-LICENSE, PSR-INITIAL-TRAINING, PSR-SIX-MONTH-TRAINING, PSR-TRAINING-DUE and
PSR-GROUP-SIZE (seed 001)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from caseledger.facts.engines import Engine
from tests.rules.scenario import CPR_TOPICS, D, Scenario

PSR_RULES = (
    "PSR-STAFF-LICENSE",
    "PSR-INITIAL-TRAINING",
    "PSR-SIX-MONTH-TRAINING",
    "PSR-TRAINING-DUE",
    "PSR-GROUP-SIZE",
)
INITIAL_TOPICS = ("cpr_orientation", "documentation_medicaid_compliance")


def ids(found: list[Any]) -> list[str]:
    return sorted(f.subject_id for f in found)


def new_professional(
    s: Scenario, sid: str, hired: dt.date, *, skip: tuple[str, ...] = (), **hours: str
) -> None:
    """A licensed CPR professional hired on ``hired`` with every CPR topic done on the hire date
    (``hours`` override a topic's hours; ``skip`` leaves topics out)."""
    s.add(
        "staff",
        staff_id=sid,
        agency_id="A1",
        first_name=sid,
        last_name="Staff",
        npi=None,
        hire_date=hired,
        end_date=None,
        education="master",
        degree_field="Social Work",
        supervisor_id=None,
    )
    for kind in ("lcsw", "mh_specialized_training"):
        s.add(
            "staff_credentials",
            staff_id=sid,
            kind=kind,
            number=f"{kind}-{sid}",
            state="MO",
            start_date=hired,
            end_date=None,
        )
    for topic, required in CPR_TOPICS.items():
        if topic not in skip:
            training(s, sid, topic, hours.get(topic, required), hired)


def training(
    s: Scenario,
    sid: str,
    topic: str,
    hours: str | None,
    on: dt.date | None,
    *,
    waived: bool = False,
    note: str | None = None,
) -> None:
    s.add(
        "staff_trainings",
        staff_id=sid,
        topic=topic,
        hours=None if hours is None else Decimal(hours),
        completed_on=on,
        waived=waived,
        waiver_note=note,
    )


# ----------------------------------------------------------------------------- PSR-STAFF-LICENSE


def test_clean_cpr_agency_has_no_psr_findings() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.encounter("cpr", D(2025, 2, 5))
    assert s.audit(PSR_RULES).findings == []


def test_staff_without_a_license_is_flagged_with_the_line_amount() -> None:
    s = Scenario()
    s.remove("staff_credentials", staff_id="S-LPC", kind="lpc")
    bad = s.encounter("cpr")
    found = s.findings("PSR-STAFF-LICENSE")
    assert ids(found) == [bad["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.carc == "185"
    assert f.staff_id == "S-LPC" and f.client_id == "C-CPR" and f.date == D(2025, 1, 8)
    assert f.amount_at_risk == Decimal("40.72")
    assert "no MO license as LPC, PLPC, LCSW or PLCSW" in f.message
    assert "specialized" not in f.message


def test_missing_specialized_training_credential_is_named() -> None:
    s = Scenario()
    s.remove("staff_credentials", staff_id="S-LPC", kind="mh_specialized_training")
    s.encounter("cpr")
    (f,) = s.findings("PSR-STAFF-LICENSE")
    assert "no specialized mental health training on record" in f.message
    assert "license" not in f.message


def test_any_of_the_four_licenses_counts_and_other_kinds_do_not() -> None:
    for kind, ok in (("plpc", True), ("lcsw", True), ("plcsw", True), ("lmsw", False)):
        s = Scenario()
        s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["kind"] = kind
        s.encounter("cpr")
        assert (s.findings("PSR-STAFF-LICENSE") == []) is ok, kind


def test_license_from_another_state_fails_and_an_empty_state_passes() -> None:
    s = Scenario()
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["state"] = "KS"
    s.encounter("cpr")
    assert len(s.findings("PSR-STAFF-LICENSE")) == 1
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["state"] = None
    assert s.findings("PSR-STAFF-LICENSE") == []
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["state"] = " mo "
    assert s.findings("PSR-STAFF-LICENSE") == []


def test_license_counts_through_its_last_day_only() -> None:
    s = Scenario()
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["end_date"] = D(2025, 1, 8)
    s.encounter("cpr", D(2025, 1, 8))
    late = s.encounter("cpr", D(2025, 1, 9))
    assert ids(s.findings("PSR-STAFF-LICENSE")) == [late["encounter_id"]]


def test_a_later_license_covers_only_services_after_it_starts() -> None:
    s = Scenario()
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["start_date"] = D(2025, 2, 1)
    early = s.encounter("cpr", D(2025, 1, 31))
    s.encounter("cpr", D(2025, 2, 1))
    assert ids(s.findings("PSR-STAFF-LICENSE")) == [early["encounter_id"]]


def test_line_without_rendering_staff_is_flagged_and_other_programs_are_not() -> None:
    s = Scenario()
    bad = s.encounter("cpr", staff_id=None)
    s.encounter("sud")  # S-CSW holds no CPR license: not a CPR line
    s.encounter("cpr", D(2025, 1, 9), staff_id="S-CSW", billable=False)
    (f,) = s.findings("PSR-STAFF-LICENSE")
    assert f.subject_id == bad["encounter_id"]
    assert "no rendering staff is recorded" in f.message


def test_purchase_of_service_code_is_a_cpr_line() -> None:
    s = Scenario()
    bad = s.encounter("cpr", staff_id="S-CSW", service_code="H2017P", modifiers=())
    assert ids(s.findings("PSR-STAFF-LICENSE")) == [bad["encounter_id"]]


def test_credentials_file_missing_is_reported_not_guessed() -> None:
    s = Scenario()
    s.encounter("cpr")
    s.drop_file("staff_credentials")
    found = s.audit(["PSR-STAFF-LICENSE"]).findings
    assert [(f.rule, f.subject_id) for f in found] == [("GEN-FACTS-MISSING", "PSR-STAFF-LICENSE")]


# -------------------------------------------------------------------------- PSR-INITIAL-TRAINING


def test_missing_initial_training_is_flagged_and_named() -> None:
    s = Scenario()
    s.remove("staff_trainings", staff_id="S-LPC", topic="cpr_orientation")
    bad = s.encounter("cpr")
    found = s.findings("PSR-INITIAL-TRAINING")
    assert ids(found) == [bad["encounter_id"]]
    f = found[0]
    assert f.amount_at_risk == Decimal("40.72") and f.staff_id == "S-LPC"
    assert f.message.endswith(
        "missing orientation and training to the CPR program (9 CSR 30-4.034 7 A (1-7))."
    )
    assert "documentation" not in f.message


def test_initial_training_on_the_date_of_service_counts_and_the_day_after_does_not() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2025, 1, 6), skip=INITIAL_TOPICS)
    training(s, "S-NEW", "cpr_orientation", "3", D(2025, 1, 8))
    training(s, "S-NEW", "documentation_medicaid_compliance", "2", D(2025, 1, 9))
    s.encounter("cpr", D(2025, 1, 7), staff_id="S-NEW")
    on_day = s.encounter("cpr", D(2025, 1, 8), staff_id="S-NEW")
    s.encounter("cpr", D(2025, 1, 9), staff_id="S-NEW")
    found = s.findings("PSR-INITIAL-TRAINING")
    assert len(found) == 2
    by_date = {f.date: f.message for f in found}
    assert "orientation" in by_date[D(2025, 1, 7)] and "Medicaid" in by_date[D(2025, 1, 7)]
    assert "orientation" not in by_date[D(2025, 1, 8)]
    assert on_day["encounter_id"] in ids(found)


def test_documented_waiver_stands_in_for_initial_training_and_a_bare_flag_does_not() -> None:
    s = Scenario()
    s.remove("staff_trainings", staff_id="S-LPC", topic="documentation_medicaid_compliance")
    training(s, "S-LPC", "documentation_medicaid_compliance", None, None, waived=True)
    s.encounter("cpr")
    assert len(s.findings("PSR-INITIAL-TRAINING")) == 1
    s.row("staff_trainings", staff_id="S-LPC", topic="documentation_medicaid_compliance")[
        "waiver_note"
    ] = "Completed at previous employer, certificate on file"
    assert s.findings("PSR-INITIAL-TRAINING") == []


# ------------------------------------------------------------------------ PSR-SIX-MONTH-TRAINING


def test_six_month_topics_are_due_the_day_after_six_months() -> None:
    s = Scenario()
    # hired 2024-07-08: six months end on 2025-01-08
    new_professional(s, "S-NEW", D(2024, 7, 8), motivational_interviewing="2")
    s.encounter("cpr", D(2025, 1, 8), staff_id="S-NEW")
    late = s.encounter("cpr", D(2025, 1, 9), staff_id="S-NEW")
    found = s.findings("PSR-SIX-MONTH-TRAINING")
    assert ids(found) == [late["encounter_id"]]
    f = found[0]
    assert f.severity == "error" and f.amount_at_risk == Decimal("40.72")
    assert f.message.endswith("still missing motivational interviewing (4 h required, 2 h done).")


def test_hours_of_one_topic_add_up_across_trainings_completed_by_the_date() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2024, 1, 8), motivational_interviewing="2.5")
    training(s, "S-NEW", "motivational_interviewing", "1.5", D(2025, 1, 20))
    before = s.encounter("cpr", D(2025, 1, 17), staff_id="S-NEW")
    s.encounter("cpr", D(2025, 1, 20), staff_id="S-NEW")
    s.encounter("cpr", D(2025, 2, 3), staff_id="S-NEW")
    found = s.findings("PSR-SIX-MONTH-TRAINING")
    assert ids(found) == [before["encounter_id"]]
    assert "(4 h required, 2.5 h done)" in found[0].message


def test_every_missing_topic_is_listed_in_the_packs_order() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2024, 1, 8), skip=("ptsd", "cbt"), suicide_prevention="1.5")
    s.encounter("cpr", staff_id="S-NEW")
    (f,) = s.findings("PSR-SIX-MONTH-TRAINING")
    assert f.message.endswith(
        "still missing cognitive behavioral therapy (2.5 h required, 0 h done); "
        "suicide prevention (2 h required, 1.5 h done); "
        "post-traumatic stress disorder (1 h required, 0 h done)."
    )


def test_documented_waiver_counts_for_a_six_month_topic() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2024, 1, 8), skip=("older_adults",))
    training(
        s, "S-NEW", "older_adults", None, D(2024, 1, 8), waived=True, note="Earlier course on file"
    )
    s.encounter("cpr", staff_id="S-NEW")
    assert s.findings("PSR-SIX-MONTH-TRAINING") == []


def test_staff_without_hire_date_is_not_judged_on_six_month_training() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2024, 1, 8), skip=("ptsd",))
    s.encounter("cpr", staff_id="S-NEW")
    assert len(s.findings("PSR-SIX-MONTH-TRAINING")) == 1
    s.row("staff", staff_id="S-NEW")["hire_date"] = None
    assert s.findings("PSR-SIX-MONTH-TRAINING") == []


# ------------------------------------------------------------------------------ PSR-TRAINING-DUE


def test_deadline_within_thirty_days_of_as_of_is_a_reminder() -> None:
    s = Scenario()
    # hired 2024-10-14: due 2025-04-14, exactly 30 days after 2025-03-15
    new_professional(s, "S-NEW", D(2024, 10, 14), skip=("iddt",))
    found = s.findings("PSR-TRAINING-DUE")
    assert [(f.subject_id, f.staff_id, f.date) for f in found] == [
        ("S-NEW", "S-NEW", D(2025, 4, 14))
    ]
    f = found[0]
    assert f.severity == "info" and f.subject_type == "staff" and f.amount_at_risk is None
    assert "due in 30 days" in f.message
    assert "missing integrated dual disorder treatment" in f.message
    assert "(2 h required, 0 h done)" in f.message


def test_no_reminder_outside_the_window_or_when_training_is_complete() -> None:
    s = Scenario()
    new_professional(s, "S-LATER", D(2024, 10, 15), skip=("iddt",))  # due in 31 days
    new_professional(s, "S-PAST", D(2024, 9, 14), skip=("iddt",))  # due yesterday
    new_professional(s, "S-DONE", D(2024, 10, 1))  # due in 17 days, all done
    assert s.findings("PSR-TRAINING-DUE") == []


def test_reminder_counts_training_done_by_the_as_of_date_only() -> None:
    s = Scenario()
    new_professional(s, "S-NEW", D(2024, 10, 1), skip=("ptsd",))
    training(s, "S-NEW", "ptsd", "1", D(2025, 3, 20))
    (f,) = s.findings("PSR-TRAINING-DUE")
    assert "due in 17 days" in f.message and "post-traumatic stress disorder" in f.message
    s.row("staff_trainings", staff_id="S-NEW", topic="ptsd")["completed_on"] = D(2025, 3, 15)
    assert s.findings("PSR-TRAINING-DUE") == []


def test_reminder_only_for_cpr_staff_still_employed() -> None:
    s = Scenario()
    new_professional(s, "S-GONE", D(2024, 10, 1), skip=("ptsd",))
    s.row("staff", staff_id="S-GONE")["end_date"] = D(2025, 3, 1)
    # a SUD worker hired recently, with no CPR lines and no CPR trainings
    s.row("staff", staff_id="S-CSW")["hire_date"] = D(2024, 10, 1)
    assert s.findings("PSR-TRAINING-DUE") == []
    # rendering a CPR line makes the SUD worker CPR staff
    s.encounter("cpr", D(2025, 3, 3), staff_id="S-CSW")
    (f,) = s.findings("PSR-TRAINING-DUE")
    assert f.subject_id == "S-CSW"
    assert "cognitive behavioral therapy (2.5 h required, 0 h done)" in f.message


# -------------------------------------------------------------------------------- PSR-GROUP-SIZE


def cpr_group(
    s: Scenario, group_id: str, consumers: int, leaders: tuple[str, ...] | None = ("S-LPC",)
) -> list[dict[str, Any]]:
    """A CPR group session on 2025-01-15 with ``consumers`` clients, each joining a minute later
    than the one before (``leaders=None``: the session is not in group_sessions.csv)."""
    if leaders is not None:
        s.add(
            "group_sessions",
            group_id=group_id,
            service_code="H2017",
            date=D(2025, 1, 15),
            start_time=dt.time(10, 0),
            end_time=dt.time(10, 30),
            staff_ids=leaders,
            place="facility",
        )
    lines = []
    for n in range(consumers):
        client = f"C-{group_id}-{n + 1}"
        s.add("clients", client_id=client, agency_id="A1")
        lines.append(
            s.encounter(
                "cpr",
                D(2025, 1, 15),
                client_id=client,
                modifiers=("HO", "HQ"),
                start_time=dt.time(10, n),
                end_time=dt.time(10, 30),
                charge=Decimal("10.18"),
                group_id=group_id,
            )
        )
    return lines


def test_eight_consumers_with_one_professional_pass_and_nine_fail() -> None:
    s = Scenario()
    cpr_group(s, "G8", 8)
    nine = cpr_group(s, "G9", 9)
    found = s.findings("PSR-GROUP-SIZE")
    assert [(f.subject_id, f.subject_type, f.date) for f in found] == [
        ("G9", "group", D(2025, 1, 15))
    ]
    f = found[0]
    assert f.message == (
        "The group had 9 consumers, more than the 8 allowed with 1 leading professional."
    )
    # the ninth consumer to arrive is the one beyond the limit
    assert f.amount_at_risk == Decimal("10.18")
    assert f.client_id is None and f.carc == "151"
    assert nine[-1]["client_id"] == "C-G9-9"


def test_nine_consumers_with_two_professionals_pass_and_seventeen_fail() -> None:
    s = Scenario()
    cpr_group(s, "G9", 9, leaders=("S-LPC", "S-NEW"))
    cpr_group(s, "G17", 17, leaders=("S-LPC", "S-NEW", "S-NEW"))
    (f,) = s.findings("PSR-GROUP-SIZE")
    assert f.subject_id == "G17"
    assert "17 consumers, more than the 16 allowed with 2 leading professionals" in f.message


def test_session_absent_from_the_file_counts_one_professional() -> None:
    s = Scenario()
    cpr_group(s, "GX", 9, leaders=None)
    cpr_group(s, "GE", 9, leaders=())
    assert ids(s.findings("PSR-GROUP-SIZE")) == ["GE", "GX"]


def test_consumers_are_distinct_billable_clients() -> None:
    s = Scenario()
    lines = cpr_group(s, "G", 8)
    # a second line for a client already counted, and a ninth client not billed
    group = {"group_id": "G", "modifiers": ("HO", "HQ")}
    s.encounter("cpr", D(2025, 1, 15), client_id=lines[0]["client_id"], **group)
    s.encounter("cpr", D(2025, 1, 15), client_id="C-OTHER", billable=False, **group)
    assert s.findings("PSR-GROUP-SIZE") == []


def test_group_size_needs_the_group_sessions_file() -> None:
    s = Scenario()
    cpr_group(s, "G9", 9, leaders=None)
    s.drop_file("group_sessions")
    found = s.audit(["PSR-GROUP-SIZE"]).findings
    assert [(f.rule, f.subject_id) for f in found] == [("GEN-FACTS-MISSING", "PSR-GROUP-SIZE")]


# ------------------------------------------------------------------------------------ on Spark


def test_spark_finds_what_duckdb_finds(spark_engine: Engine) -> None:
    s = Scenario()
    s.row("staff_credentials", staff_id="S-LPC", kind="lpc")["end_date"] = D(2025, 1, 8)
    s.encounter("cpr", D(2025, 1, 8))
    s.encounter("cpr", D(2025, 1, 9))
    s.encounter("cpr", D(2025, 1, 10), staff_id=None)
    new_professional(s, "S-NEW", D(2024, 7, 8), skip=("cpr_orientation", "cbt"))
    training(s, "S-NEW", "cbt", "1.25", D(2024, 8, 1))
    training(s, "S-NEW", "cbt", "1.25", D(2025, 1, 20))
    for day in (D(2025, 1, 8), D(2025, 1, 9), D(2025, 1, 21)):
        s.encounter("cpr", day, staff_id="S-NEW")
    new_professional(s, "S-SOON", D(2024, 10, 1), skip=("ptsd",))
    cpr_group(s, "G9", 9)
    cpr_group(s, "G10", 10, leaders=None)

    def key(found: list[Any]) -> list[tuple[Any, ...]]:
        return sorted((f.rule, f.subject_id, f.date, f.message, f.amount_at_risk) for f in found)

    duck = key(s.audit(PSR_RULES).findings)
    spark = key(s.audit(PSR_RULES, engine=spark_engine).findings)
    assert spark == duck
    assert {rule for rule, *_ in duck} == set(PSR_RULES)
