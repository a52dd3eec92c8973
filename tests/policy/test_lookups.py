"""The lookups rules use: services by code and modifiers, parameters by owner, vocabulary, and
the packs' links to the dataset contract."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.facts import schema
from caseledger.policy import Policy, PolicyLookupError

ON = dt.date(2024, 3, 1)


def test_modifiers_match_in_any_order_and_case(policy: Policy) -> None:
    group = policy.service("H2017", ["HQ", "HO"], ON)
    assert group is not None and group.key == "H2017HOHQ" and group.label == "H2017 HO+HQ"
    assert policy.service("h2017", ["ho"], ON) is not None
    assert policy.service("H2017", ("HO", "HO"), ON) is not None  # a repeated modifier


def test_wrong_modifiers_find_no_service_but_the_variants_are_named(policy: Policy) -> None:
    assert policy.service("H2017", [], ON) is None
    assert policy.service("H2017", ["HQ"], ON) is None
    assert policy.service("H2017P", ["HO"], ON) is None
    variants = {d.key for d in policy.service_variants("H2017", ON)}
    assert variants == {"H2017HO", "H2017HOHQ"}
    assert policy.service_variants("ZZZZZ", ON) == ()
    assert policy.service("ZZZZZ", [], ON) is None


def test_params_by_pack_program_rule_or_qualified_name(policy: Policy) -> None:
    by_pack = policy.param("sst", "lifetime_half_days", ON)
    assert policy.param("SST-LIFETIME-CAP", "lifetime_half_days", ON) == by_pack
    assert policy.param("GEN-RATE", "sst:lifetime_half_days", ON) == by_pack
    assert policy.param("sst", "lifetime_half_days", ON, int).value == 26
    assert policy.pack_of("SST-LIFETIME-CAP") == "sst"
    assert policy.pack_of("cpr") == "cpr"


def test_lookups_that_cannot_succeed_say_why(policy: Policy) -> None:
    with pytest.raises(PolicyLookupError, match="no parameter 'lifetime_cap'"):
        policy.param("sst", "lifetime_cap", ON)
    with pytest.raises(PolicyLookupError, match="no pack, program or rule"):
        policy.param("ZZZ-RULE", "x", ON)
    with pytest.raises(PolicyLookupError, match="not in force on 2007-12-31"):
        policy.param("sst", "lifetime_half_days", dt.date(2007, 12, 31))
    with pytest.raises(PolicyLookupError, match="not str"):
        policy.param("sst", "lifetime_half_days", ON, str)
    with pytest.raises(PolicyLookupError, match="no rule 'GEN-NOPE'"):
        policy.rule("GEN-NOPE")


def test_every_dataset_activity_maps_to_exactly_one_kind(policy: Policy) -> None:
    owners: dict[str, list[str]] = {}
    for pack in policy.packs:
        for kind in policy.activity_kinds(pack, ON):
            for activity in kind.activities:
                owners.setdefault(activity, []).append(f"{pack}.{kind.kind}")
    assert set(owners) == set(schema.ACTIVITIES)
    assert {a: o for a, o in owners.items() if len(o) != 1} == {}
    for value in schema.NONBILLABLE_ACTIVITIES:
        kind = next(
            k for p in policy.packs for k in policy.activity_kinds(p, ON) if value in k.activities
        )
        assert not kind.billable, value
    for value in schema.BILLABLE_ACTIVITIES:
        kind = next(
            k for p in policy.packs for k in policy.activity_kinds(p, ON) if value in k.activities
        )
        assert kind.billable, value


def test_training_topics_cover_the_dataset_topics(policy: Policy) -> None:
    topics = {
        t.topic
        for pack in ("sst", "cpr")
        for group in policy.trainings(pack, ON)
        for t in group.topics
    }
    assert topics == set(schema.TRAINING_TOPICS)
    sst = {t.topic for g in policy.trainings("sst", ON) for t in g.topics}
    assert sst == set(schema.SST_TRAINING_TOPICS)


def test_document_elements_are_dataset_columns(policy: Policy) -> None:
    for pack in policy.packs:
        for name in policy.packs[pack].pack.documents:
            doc = policy.document(pack, name, ON)
            assert doc is not None
            table = schema.table(doc.table)
            for element in doc.elements:
                assert table.has_column(element.column), (pack, name, element.column)


def test_agency_certifications_are_dataset_kinds(policy: Policy) -> None:
    required = {
        pack: policy.agency(pack, ON).certifications for pack in ("sst", "cpr", "sud", "aba")
    }
    assert required["aba"] is None
    for certs in required.values():
        if certs is not None:
            assert set(certs.value) <= set(schema.CERTIFICATION_KINDS)


def test_packs_name_only_known_programs_and_funding(policy: Policy) -> None:
    for lp in policy.packs.values():
        assert lp.pack.program is None or lp.pack.program in schema.PROGRAMS
    for lp in policy.packs.values():
        for service in lp.pack.services.values():
            for version in service.funding or ():
                assert set(version.value) <= set(schema.FUNDING)


def test_unknown_roles_and_documents_are_none(policy: Policy) -> None:
    assert policy.staff_role("sst", "nobody", ON) is None
    assert policy.document("sst", "nothing", ON) is None
    assert policy.activity_kind("sud", "didactic", ON) is None
    assert policy.activity_kinds("aba", ON) == ()
