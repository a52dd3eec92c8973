"""The numbers the rules read are the ones in the source documents and public texts.

Every expected value below is read from the seeds (000–003) or domain facts, not from the packs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from caseledger.policy import Policy

D = dt.date
TODAY = D(2024, 6, 3)
SST_DAY, CPR_DAY, SUD_DAY = D(2008, 1, 1), D(2009, 6, 3), D(2003, 4, 24)


def test_sst_half_day_unit_rate_and_authorization(policy: Policy) -> None:
    sst = policy.service("SST", [], TODAY)
    assert sst is not None
    assert sst.unit_minutes == 180
    assert sst.rounding is not None and sst.rounding.value == "whole_units"
    assert sst.rate_amount == Decimal("69.00")
    assert sst.needs_prior_auth
    assert sst.program == "sst"
    assert sst.funding is not None and sst.funding.value == ("dhss",)
    assert "000_970f1571fa3cbd2e.txt" in sst.rate.cite if sst.rate else False


def test_sst_transport_is_separately_authorized_with_an_unknown_rate(policy: Policy) -> None:
    transport = policy.service("SST-TRANSPORT", [], TODAY)
    assert transport is not None
    assert transport.needs_prior_auth
    assert transport.auth_kind is not None and transport.auth_kind.value == "transportation"
    assert transport.rate is not None and transport.rate.value is None
    assert transport.rate.note and "unknown" in transport.rate.note
    assert policy.param("sst", "transport_only_without_other_means", TODAY).value is True


@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [
        ("lifetime_half_days", 26, "half_days"),
        ("near_cap_remaining", 3, "half_days"),
        ("retention_years", 3, "years"),
    ],
)
def test_sst_parameters(policy: Policy, name: str, value: int, unit: str) -> None:
    found = policy.param("sst", name, SST_DAY)
    assert (found.value, found.unit, found.start) == (value, unit, SST_DAY)


def test_sst_staff_training_and_agency(policy: Policy) -> None:
    qhip = policy.staff_role("sst", "qhip_supervisor", TODAY)
    assert qhip is not None and qhip.max_supervisees is not None
    assert qhip.max_supervisees.value == 12
    assert qhip.credentials_any is not None and qhip.credentials_any.value == ("qhip",)
    assert qhip.degree_fields is not None and set(qhip.degree_fields.value) == {
        "recreational therapy",
        "occupational therapy",
        "psychology",
        "education",
        "special education",
        "social work",
    }
    assert qhip.leads_activities is not None and qhip.leads_activities.value == ("didactic",)
    direct = policy.staff_role("sst", "direct_care", TODAY)
    assert direct is not None and direct.education is not None
    assert {"high_school", "ged"} <= set(direct.education.value)
    assert "none" not in direct.education.value
    groups = {g.group: g for g in policy.trainings("sst", TODAY)}
    primary = groups["primary_skills"]
    assert primary.due is not None and (primary.due.value, primary.due.unit) == (6, "months")
    assert len(primary.topics) == 6
    ce = groups["continuing_education"]
    assert ce.hours_per_year is not None and ce.hours_per_year.value == Decimal(5)
    assert ce.starts_after is not None and (ce.starts_after.value, ce.starts_after.unit) == (
        1,
        "years",
    )
    agency = policy.agency("sst", TODAY)
    assert agency.certifications is not None
    assert set(agency.certifications.value) == {"dhss_sst_agreement", "brain_injury_agency"}
    assert agency.curriculum_required is not None and agency.curriculum_required.value


def test_sst_documents_map_to_the_dataset_columns(policy: Policy) -> None:
    plan = policy.document("sst", "intervention_plan", TODAY)
    assert plan is not None and plan.table == "plans" and plan.kind == "intervention"
    assert [e.column for e in plan.elements] == [
        "barriers",
        "skills_taught",
        "strategies",
        "practice_environment",
        "feedback_mechanism",
        "frequency_duration",
        "expected_achievement",
    ]
    report = policy.document("sst", "monthly_report", TODAY)
    assert report is not None and report.table == "progress_reports"
    assert report.due is not None and (report.due.value, report.due.unit) == (1, "months")
    assert len(report.elements) == 8
    referral = policy.document("sst", "referral_indicators", TODAY)
    assert referral is not None and referral.table == "enrollments"
    assert {e.column for e in referral.elements} == {
        "referral_behaviors",
        "referral_interest",
        "referral_ability",
    }


@pytest.mark.parametrize(
    ("code", "modifiers", "rate", "pay_rate", "funding", "group"),
    [
        ("H2017", ["HO"], "20.36", "17.72", "mo_healthnet", False),
        ("H2017", ["HO", "HQ"], "5.09", "4.43", "mo_healthnet", True),
        ("H2017P", [], "17.72", None, "dmh_pos", False),
        ("H2017S", [], "4.43", None, "dmh_pos", True),
    ],
)
def test_cpr_codes_rates_and_funding(
    policy: Policy,
    code: str,
    modifiers: list[str],
    rate: str,
    pay_rate: str | None,
    funding: str,
    group: bool,
) -> None:
    service = policy.service(code, modifiers, CPR_DAY)
    assert service is not None
    assert service.rate_amount == Decimal(rate)
    assert (service.pay_rate.value if service.pay_rate else None) == (
        Decimal(pay_rate) if pay_rate else None
    )
    assert service.funding is not None and service.funding.value == (funding,)
    assert service.unit_minutes == 15
    assert service.rounding is not None and service.rounding.value == "cms_8_minute"
    assert service.rounding.note and "UNCONFIRMED" in service.rounding.note
    assert service.group is group
    if group:
        assert service.group_limit is not None
        assert service.group_limit.value.max == 8
        assert service.group_limit.value.per == "professional"
    # the seed is dated 6/3/09: nothing of it is in force the day before
    assert policy.service(code, modifiers, CPR_DAY - dt.timedelta(days=1)) is None


def test_cpr_staff_and_trainings(policy: Policy) -> None:
    role = policy.staff_role("cpr", "professional", TODAY)
    assert role is not None and role.credentials_any is not None
    assert set(role.credentials_any.value) == {"lpc", "plpc", "lcsw", "plcsw"}
    assert role.credentials_all is not None
    assert role.credentials_all.value == ("mh_specialized_training",)
    groups = {g.group: g for g in policy.trainings("cpr", TODAY)}
    assert {t.topic for t in groups["initial"].topics} == {
        "cpr_orientation",
        "documentation_medicaid_compliance",
    }
    hours = {t.topic: t.hours for t in groups["six_month"].topics}
    assert hours == {
        "cbt": Decimal("2.5"),
        "recovery_treatment_plan": Decimal(2),
        "illness_management_recovery": Decimal("2.5"),
        "dbt_intro": Decimal(2),
        "iddt": Decimal(2),
        "motivational_interviewing": Decimal(4),
        "suicide_prevention": Decimal(2),
        "ptsd": Decimal(1),
        "medications_diagnostics": Decimal(1),
        "older_adults": Decimal(1),
    }
    six = groups["six_month"]
    assert six.due is not None and (six.due.value, six.due.unit) == (6, "months")
    assert six.waiver_allowed is not None and six.waiver_allowed.value is True
    assert policy.param("PSR-TRAINING-DUE", "training_due_lookahead", TODAY).value == 30
    assert policy.param("cpr", "retention_years", TODAY).value == 7
    certs = policy.agency("cpr", TODAY).certifications
    assert certs is not None and certs.value == ("dmh_cpr",)


def test_sud_community_support_values(policy: Policy) -> None:
    csw = policy.service("CSW", [], SUD_DAY)
    assert csw is not None and csw.unit_minutes == 15
    assert csw.rounding is not None and csw.rounding.value == "cms_8_minute"
    assert csw.rounding.origin == "mo_healthnet.yaml"  # the general default
    assert csw.rate is not None and csw.rate.value is None
    expect = {
        "initial_discharge_planning_max_units": 4,
        "plan_meeting_max_units": 1,
        "missed_contact_hours": Decimal(48),
        "discharge_heading": "Initial Discharge Planning Session",
        "ambiguous_terms": ("accompanied", "advocated", "assisted"),
        "retention_years": 7,
        "employment_consideration": True,
    }
    for name, value in expect.items():
        assert policy.param("sud", name, SUD_DAY).value == value, name
    certs = policy.agency("sud", SUD_DAY).certifications
    assert certs is not None and certs.value == ("dmh_sud",)
    places = policy.param("CSW-NOT-VERBAL", "nonverbal_places", TODAY).value
    assert set(places) == {"text", "email"}


def test_sud_has_the_ten_nonbillable_activities_and_the_excluded_services(
    policy: Policy,
) -> None:
    kinds = policy.activity_kinds("sud", SUD_DAY)
    nonbillable = [k for k in kinds if k.section == "nonbillable"]
    excluded = {k.kind for k in kinds if k.section == "excluded"}
    billable = [k for k in kinds if k.billable]
    assert len(nonbillable) == 10
    assert len(billable) == 9
    assert excluded == {
        "counseling",
        "psychotherapy",
        "nursing",
        "medication_management",
        "transportation",
        "assessment",
        "orientation",
        "clerical",
    }
    for kind in kinds:
        assert kind.phrases, kind.kind
        assert all(p == p.lower() for p in kind.phrases)
    transport = policy.activity_kind("sud", "transport_appointment", SUD_DAY)
    assert transport is not None and not transport.billable
    assert {"drove", "gave a ride", "transported"} <= set(transport.phrases)
    assert transport.exception and transport.exception_phrases


@pytest.mark.parametrize(
    ("code", "daily_max"),
    [
        ("97151", 32),
        ("97152", 8),
        ("97153", 32),
        ("97154", 12),
        ("97155", 24),
        ("97156", 16),
        ("97157", 16),
        ("97158", 16),
        ("0362T", 8),
        ("0373T", 32),
    ],
)
def test_aba_daily_maximums_and_15_minute_units(policy: Policy, code: str, daily_max: int) -> None:
    service = policy.service(code, [], D(2019, 1, 1))
    assert service is not None
    assert service.daily_max is not None and service.daily_max.value == daily_max
    assert service.unit_minutes == 15
    assert service.rate is not None and service.rate.value is None


@pytest.mark.parametrize(
    ("code", "limit", "counting"),
    [("97154", 8, "patients"), ("97158", 8, "patients"), ("97157", 8, "families")],
)
def test_aba_group_limits(policy: Policy, code: str, limit: int, counting: str) -> None:
    service = policy.service(code, [], TODAY)
    assert service is not None and service.group and service.group_limit is not None
    assert (service.group_limit.value.max, service.group_limit.value.counting) == (
        limit,
        counting,
    )


def test_mo_healthnet_general_values(policy: Policy) -> None:
    assert policy.param("mo_healthnet", "retention_years", TODAY).value == 6
    late = policy.param("GEN-NOTE-LATE", "note_signature_deadline", TODAY)
    assert (late.value, late.unit) == (5, "business_days")
    assert policy.carc_meaning("181")
    assert policy.carc_meaning("B7")
