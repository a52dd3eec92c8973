"""The X12 core: delimiters from the ISA, envelope counts and control numbers, the serializer;
every error names the right segment and quotes no data that could identify a person."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Callable, Collection

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseledger.claims.x12 import (
    ISA_LENGTH,
    Delimiters,
    Element,
    SegmentWriter,
    TransactionSet,
    X12Error,
    detect_delimiters,
    interchange,
    read_x12,
    scan_x12,
    tokenize,
)

WHEN = dt.datetime(2024, 3, 4, 5, 6)
BODY: list[list[Element]] = [
    ["BHT", "0019", "00", "REF1", "20240304", "0506", "CH"],
    ["NM1", "IL", "1", "DOE", "JANE", "", "", "", "MI", "MBR12345"],
    ["SV1", ["HC", "H0031", "HO"], "120", "UN", "4"],
]


def sample(*, sets: int = 2, newline: bool = False, delimiters: Delimiters = Delimiters()) -> str:
    return interchange(
        [TransactionSet("837", "005010X222A1", BODY) for _ in range(sets)],
        sender_id="AGENCY01",
        receiver_id="PAYER01",
        control_number=17,
        functional_id="HC",
        version="005010X222A1",
        when=WHEN,
        usage="T",
        delimiters=delimiters,
        newline=newline,
    )


def segments_of(text: str) -> list[str]:
    return [s for s in text.split("~") if s]


def join(segments: list[str]) -> str:
    return "~".join(segments) + "~"


def error_of(text: str, **kwargs: Collection[str]) -> X12Error:
    with pytest.raises(X12Error) as caught:
        read_x12(text, **kwargs)
    return caught.value


# --- writing ---------------------------------------------------------------------------------


def test_the_interchange_has_a_fixed_width_isa_and_counted_trailers() -> None:
    text = sample()
    segs = segments_of(text)
    assert len(segs[0]) + 1 == ISA_LENGTH
    assert segs[0] == (
        "ISA*00*          *00*          *ZZ*AGENCY01       *ZZ*PAYER01        *240304*0506*^*"
        "00501*000000017*0*T*:"
    )
    assert segs[1] == "GS*HC*AGENCY01*PAYER01*20240304*0506*17*X*005010X222A1"
    assert segs[2] == "ST*837*0001*005010X222A1"
    assert segs[3:6] == [
        "BHT*0019*00*REF1*20240304*0506*CH",
        "NM1*IL*1*DOE*JANE****MI*MBR12345",
        "SV1*HC:H0031:HO*120*UN*4",
    ]
    assert segs[6] == "SE*5*0001"
    assert segs[7] == "ST*837*0002*005010X222A1"
    assert segs[-3:] == ["SE*5*0002", "GE*2*17", "IEA*1*000000017"]


def test_trailing_empty_elements_and_components_are_left_out() -> None:
    writer = SegmentWriter()
    assert writer.render(["REF", "6R", "X1", None, ""]) == "REF*6R*X1"
    assert writer.render(["SVC", ["HC", "H0031", "", None], "10"]) == "SVC*HC:H0031*10"
    assert writer.render(["LX"]) == "LX"


def test_data_holding_a_delimiter_is_refused_without_quoting_it() -> None:
    writer = SegmentWriter()
    for bad in ("SMITH*JONES", "A~B", "A:B", "A^B", "A\nB"):
        with pytest.raises(X12Error) as caught:
            writer.render(["NM1", "QC", "1", bad], 9)
        assert caught.value.segment == 9
        assert caught.value.element == "NM103"
        assert "SMITH" not in str(caught.value)


def test_an_id_longer_than_its_isa_field_is_refused() -> None:
    with pytest.raises(ValueError, match="ISA06"):
        interchange(
            [], sender_id="X" * 16, receiver_id="R", control_number=1, functional_id="HP",
            version="005010X221A1", when=WHEN,
        )  # fmt: skip


def test_other_delimiters_and_line_breaks_read_back() -> None:
    d = Delimiters(element="|", component=">", repetition="!", segment="\n")
    text = sample(delimiters=d)
    assert detect_delimiters(text) == d
    doc = read_x12(text)
    assert doc.delimiters == d
    assert [s.identifier for s in doc.transaction_sets] == ["837", "837"]
    assert doc.segments[5] == ["SV1", "HC>H0031>HO", "120", "UN", "4"]

    crlf = sample(newline=True).replace("\n", "\r\n")
    assert read_x12(crlf).segments == read_x12(sample()).segments


# --- reading ---------------------------------------------------------------------------------


def test_a_valid_file_reads_with_its_envelopes() -> None:
    doc = read_x12(sample().encode(), functional_ids={"HC"}, transaction_set_ids={"837"})
    first, second = doc.transaction_sets
    assert (first.start, first.end, second.start, second.end) == (2, 6, 7, 11)
    assert first.control_number == "0001" and second.control_number == "0002"
    assert first.group.functional_id == "HC" and first.group.version == "005010X222A1"
    assert first.interchange.sender_id == "AGENCY01"
    assert first.interchange.control_number == "000000017"
    assert doc.segment(3).id == "ST" and doc.segment(3).position == 3
    assert [s.position for s in doc][:3] == [1, 2, 3]


def test_a_scan_checks_the_same_envelopes_and_leaves_segments_as_text() -> None:
    text = sample()
    scan, doc = scan_x12(text), read_x12(text)
    assert scan.transaction_sets == doc.transaction_sets
    assert [t.split("*") for t in scan.texts] == doc.segments
    segs = segments_of(text)
    segs[6] = "SE*4*0001"
    with pytest.raises(X12Error) as caught:
        scan_x12(join(segs))
    assert (caught.value.segment, caught.value.element) == (7, "SE01")


def test_each_segment_knows_its_position_and_id() -> None:
    positions = [(s.position, s.id) for s in read_x12(sample(sets=1))]
    assert positions == [
        (1, "ISA"), (2, "GS"), (3, "ST"), (4, "BHT"), (5, "NM1"), (6, "SV1"), (7, "SE"),
        (8, "GE"), (9, "IEA"),
    ]  # fmt: skip


def test_an_isa_of_the_wrong_width_is_segment_1() -> None:
    text = sample().replace("AGENCY01       ", "AGENCY01      ", 1)
    err = error_of(text)
    assert (err.segment, err.segment_id, err.element) == (1, "ISA", "ISA07")
    assert "106" in str(err)


@pytest.mark.parametrize(
    ("change", "element"),
    [
        (lambda t: "ISAX" + t[4:], None),  # a letter as element separator
        (lambda t: t[:104] + "*" + t[105:], "ISA16"),  # component separator = element separator
        (lambda t: t[:105] + ":" + t[106:], "ISA16"),  # terminator = component separator
        (lambda t: t[:82] + "*" + t[83:], "ISA12"),  # ISA11 = element separator shifts fields
    ],
)
def test_bad_delimiters_are_segment_1(change: Callable[[str], str], element: str | None) -> None:
    err = error_of(change(sample()))
    assert (err.segment, err.segment_id) == (1, "ISA")
    if element:
        assert err.element == element


def test_a_file_not_beginning_with_isa_or_too_short() -> None:
    assert error_of("GS*HC~").segment == 1
    assert error_of("").segment == 1
    assert "shorter than an ISA" in str(error_of(sample()[:80]))


def test_se_count_wrong_names_the_se() -> None:
    segs = segments_of(sample())
    segs[6] = "SE*4*0001"
    err = error_of(join(segs))
    assert str(err) == "segment 7 (SE): SE01 says 4 segments, the transaction set has 5"
    assert (err.segment, err.segment_id, err.element, err.expected) == (7, "SE", "SE01", "5")


def test_se_st_control_mismatch() -> None:
    segs = segments_of(sample())
    segs[6] = "SE*5*0009"
    err = error_of(join(segs))
    assert (err.segment, err.element, err.expected) == (7, "SE02", "0001")
    assert "SE02 is 0009 but ST02 is 0001" in str(err)


def test_ge_count_and_gs_control_mismatch() -> None:
    segs = segments_of(sample())
    segs[-2] = "GE*3*17"
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (13, "GE", "GE01")
    assert "GE01 says 3 transaction sets, the group has 2" in str(err)
    segs[-2] = "GE*2*18"
    err = error_of(join(segs))
    assert (err.segment, err.element, err.expected) == (13, "GE02", "17")


def test_iea_count_and_isa_control_mismatch() -> None:
    segs = segments_of(sample())
    segs[-1] = "IEA*2*000000017"
    err = error_of(join(segs))
    assert (err.segment, err.segment_id, err.element) == (14, "IEA", "IEA01")
    segs[-1] = "IEA*1*000000071"
    err = error_of(join(segs))
    assert (err.segment, err.element) == (14, "IEA02")
    assert "IEA02 is 000000071 but ISA13 is 000000017" in str(err)


def test_missing_trailers_name_where_the_file_ends_or_the_next_envelope() -> None:
    segs = segments_of(sample())
    err = error_of(join(segs[:-1]))  # no IEA
    assert (err.segment, err.expected) == (13, "IEA")
    assert "IEA missing" in str(err)
    err = error_of(join(segs[:-2] + segs[-1:]))  # no GE
    assert (err.segment, err.segment_id, err.expected) == (13, "IEA", "GE")
    err = error_of(join(segs[:6] + segs[7:]))  # the first SE dropped
    assert (err.segment, err.segment_id, err.expected) == (7, "ST", "SE")


def test_a_truncated_file_names_the_unfinished_segment() -> None:
    text = sample()
    cut = text[: text.index("SV1*HC") + 8]
    err = error_of(cut)
    assert err.segment == 6
    assert "ends in the middle of a segment" in str(err)


def test_segments_outside_a_transaction_set() -> None:
    segs = segments_of(sample())
    err = error_of(join([*segs[:2], "NM1*IL*1*DOE", *segs[2:]]))
    assert (err.segment, err.segment_id) == (3, "NM1")
    assert "outside a transaction set" in str(err)
    err = error_of(join([*segs, "ST*837*0003"]))
    assert (err.segment, err.segment_id) == (15, "ST")


def test_the_caller_says_which_codes_are_allowed() -> None:
    text = sample()
    err = error_of(text, functional_ids={"HP"})
    assert (err.segment, err.element) == (2, "GS01")
    assert "'HC'" in str(err)
    err = error_of(text, versions={"005010X221A1"})
    assert (err.segment, err.element) == (2, "GS08")
    err = error_of(text, transaction_set_ids={"835"})
    assert (err.segment, err.element) == (3, "ST01")
    segs = segments_of(text)
    segs[0] = segs[0].replace("*ZZ*AGENCY01", "*QQ*AGENCY01")
    err = error_of(join(segs))
    assert (err.segment, err.element) == (1, "ISA05")


def test_undecodable_bytes_name_their_segment() -> None:
    data = sample().encode().replace(b"DOE", b"D\xffE")
    with pytest.raises(X12Error) as caught:
        read_x12(data)
    assert caught.value.segment == 5


def test_values_that_could_identify_a_person_are_never_quoted() -> None:
    segs = segments_of(sample())
    # A damaged file: a surname where a segment id should be, and in a control number.
    err = error_of(join([*segs[:4], "DOE*JANE", *segs[4:]]))
    assert "DOE" not in str(err) and err.segment_id == "SE"
    assert X12Error(5, "DOE", "a segment the 835 does not have").segment_id == "?"
    segs2 = list(segs)
    segs2[6] = "SE*5*MBR12345X"
    assert "MBR12345" not in str(error_of(join(segs2)))
    segs3 = list(segs)
    segs3[1] = segs3[1].replace("*HC*", "*JANEDOE*")
    err = error_of(join(segs3), functional_ids={"HC"})
    assert "JANEDOE" not in str(err) and "7 characters" in str(err)
    with pytest.raises(X12Error) as caught:
        tokenize(join([*segs[:3], "SMITH*1"]))
    assert "SMITH" not in str(caught.value)


def test_errors_survive_pickling() -> None:
    err = X12Error(14, "SE", "SE01 says 12 segments", element="SE01", expected="13")
    back = pickle.loads(pickle.dumps(err))
    assert (back.segment, back.segment_id, back.element, back.expected, str(back)) == (
        14, "SE", "SE01", "13", str(err),
    )  # fmt: skip


@given(st.data())
def test_damaged_envelopes_are_read_or_refused_with_an_x12_error(data: st.DataObject) -> None:
    text = sample(newline=data.draw(st.booleans()))
    for _ in range(data.draw(st.integers(1, 4))):
        if not text:
            break
        p = data.draw(st.integers(0, len(text) - 1))
        change = data.draw(st.sampled_from(["flip", "cut", "drop", "copy"]))
        if change == "flip":
            text = (
                text[:p]
                + data.draw(st.sampled_from("*:^~\n 0AZ9") | st.characters())
                + text[p + 1 :]
            )
        elif change == "cut":
            text = text[:p]
        elif change == "drop":
            text = text[:p] + text[data.draw(st.integers(p, len(text))) :]
        else:
            q = data.draw(st.integers(p, len(text)))
            text = text[:q] + text[p:q] + text[q:]
    for read in (read_x12, scan_x12):
        try:
            read(text)
        except X12Error as err:
            assert err.segment >= 1
            assert "JANE" not in str(err) and "MBR12345" not in str(err)
