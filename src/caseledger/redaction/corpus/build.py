"""Writes the labelled redaction corpus, ``notes.jsonl`` beside this file, from a fixed seed.

    python -m caseledger.redaction.corpus.build

Every note is a synthetic community-support or socialization-skills progress note put together
from sentence templates whose slots are filled with invented people, dates, ids and places; each
filled slot that is an identifier becomes a gold span (type and offsets). Nothing here is used by
the redactor: its names, streets, towns and templates are this corpus's own, so the evaluation
measures the redactor on values it was not built from.

Two splits: ``dev`` notes draw on one set of templates and ``heldout`` notes on another set that
the redactor was never tuned against, so the held-out figures speak for text it has not seen.
The templates are split stratified by the identifier types they hold (see ``_split``), so both
splits hold every type.
Running the script again gives the same file, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20250314
NOTES = 260
#: every fourth note is held out
HELDOUT_EVERY = 4
#: share of notes redacted without the record (no ``--client``): recognition alone
WITHOUT_RECORD = 0.1

OUT = Path(__file__).with_name("notes.jsonl")

# ------------------------------------------------------------------------------------ people

FIRST_F = (
    "Dana", "Keisha", "Marisol", "Linh", "Brittany", "Tamika", "Rosa", "Heather", "Mei", "Ashley",
    "Destiny", "Guadalupe", "Yvonne", "Priyanka", "Shonda", "Kayla", "Francesca", "Ingrid",
    "Latoya", "Noor", "Hope", "Joy", "Dawn", "April", "Esperanza", "Wilhelmina", "Zofia",
    "Aaliyah", "Beatriz", "Cheyenne", "Dolores", "Ebony", "Faith", "Gwendolyn", "Harriet",
    "Imelda", "Jacqueline", "Krystal", "Lakeisha", "Maribel", "Nkechi", "Oksana", "Pilar",
    "Rhiannon", "Saoirse", "Temperance", "Ursula", "Xiomara", "Yesenia", "Zuleika", "Bernadette",
    "Consuelo", "Delphine", "Evangeline", "Fern", "Ginger", "Honora", "Jovita", "Kimberly",
)  # fmt: skip
FIRST_M = (
    "Marcus", "DeShawn", "Tomas", "Raymond", "Cody", "Jamal", "Terrell", "Luis", "Bao", "Dmitri",
    "Kwame", "Austin", "Travis", "Dwayne", "Hector", "Ezekiel", "Rusty", "Bill", "Will", "Frank",
    "Grant", "Chance", "Lance", "Rocco", "Jebediah", "Obadiah", "Thaddeus", "Arjun", "Mateo",
    "Darnell", "Kenji", "Ignatius", "Lamar", "Wyatt", "Colton", "Bryce", "Garrett", "Jerome",
    "Anselm", "Bartholomew", "Cornelius", "Demetrius", "Emeka", "Florian", "Gideon", "Horatio",
    "Isidro", "Jarvis", "Kofi", "Leopold", "Malachi", "Nikolai", "Octavio", "Prescott", "Rashad",
    "Sterling", "Tyrone", "Virgil", "Wendell", "Zebulon",
)  # fmt: skip
LAST = (
    "Whitfield", "Okafor", "Nguyen", "Delgado", "Brzezinski", "Hollingsworth", "Abernathy", "Tran",
    "Castillo", "Yoder", "Schumacher", "Kowalczyk", "Pettigrew", "Achebe", "Villanueva", "Muñoz",
    "O'Brien", "McAllister", "Fitzgerald", "Baptiste", "Szymanski", "Lindqvist", "Oyelaran",
    "Haskins", "Dunleavy", "Ferreira", "Kaminski", "Boateng", "Thibodeaux", "Rosenberg",
    "Nakamura", "Gallagher", "Jankowski", "Quarrington", "Tovell", "Brackwater", "Ellerby",
    "Stonecipher", "Vantreese", "Lopez-Garza", "Brown", "Young", "King", "Hill", "Wood", "Price",
    "Little", "Moody", "Black", "Rich", "Begay", "Chatterjee", "Dombrowski", "Eberhardt",
    "Fairweather", "Grissom", "Huckabee", "Iwasaki", "Jablonski", "Kettleman", "Lusk", "Mayfield",
    "Nettles", "Ostrowski", "Pruitt", "Quintanilla", "Rutherford", "Sandoval", "Tillotson",
    "Uhlenbrock", "Vickery", "Wojcik", "Yarbrough", "Zamora", "Ambrose-Pike", "Blessing",
)  # fmt: skip
NICKNAMES = (
    "Bud", "Sunny", "Tiny", "Red", "Cookie", "Dee", "Tee", "Bubba", "Sissy", "Junior", "Skip",
    "Boo", "Peanut", "Doc", "Sparky", "Lulu", "Jojo", "Kiki",
)  # fmt: skip
CREDENTIALS = ("CSW", "QHIP", "LPC", "LCSW", "CSS", "BA", "QMHP", "PLPC")

# ------------------------------------------------------------------------------------ places

STREETS = (
    "Hickory Knoll Dr", "Old Mill Rd", "Bittersweet Ln", "Persimmon Ct", "Main St", "N 5th St",
    "W Broadway", "Cherry Hill Blvd", "Lakeview Ter", "Pawpaw Trl", "Westview Ave", "E Elm St",
    "Country Club Dr", "Highway 54", "Rock Quarry Rd", "Scenic Loop", "S Providence Rd",
    "Sunset Ridge Pkwy", "Walnut Grove Cir", "Industrial Dr", "Maple Hollow Way", "Ridgeview Pl",
)  # fmt: skip
UNITS = ("Apt 4B", "Apt. 12", "Unit 3", "Lot 17", "#210", "Trailer 9")
TOWNS = (
    ("Rolla", "65401"), ("Sedalia", "65301"), ("Kirksville", "63501"), ("Hannibal", "63401"),
    ("Joplin", "64801"), ("Cape Girardeau", "63701"), ("Warrensburg", "64093"),
    ("Lebanon", "65536"), ("Poplar Bluff", "63901"), ("Marshall", "65340"), ("Festus", "63028"),
    ("Springfield", "65806"), ("St. Joseph", "64501"), ("Jefferson City", "65109"),
    ("Columbia", "65203"), ("Fulton", "65251"), ("Independence", "64050"), ("Sikeston", "63801"),
    ("Chillicothe", "64601"), ("Maryville", "64468"), ("Osage Beach", "65065"),
    ("Camdenton", "65020"), ("Mexico", "65265"), ("Liberty", "64068"), ("Union", "63084"),
    ("Salem", "65560"), ("Houston", "65483"), ("Ava", "65608"),
)  # fmt: skip
COUNTIES = ("Boone", "Cole", "Callaway", "Phelps", "Pettis", "Greene", "Jasper", "Audrain")
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "mchsi.com")

# ------------------------------------------------------------------------------------ not PHI

PROGRAMS = (
    "Socialization Skills Training", "Community Psychiatric Rehabilitation", "Community Support",
    "the Adult Head Injury program", "MO HealthNet", "Medicaid", "Vocational Rehabilitation",
    "the Brain Injury Association", "Supported Employment", "Illness Management and Recovery",
)  # fmt: skip
DRUGS = (
    "sertraline 50 mg", "Depakote", "lithium", "Abilify", "quetiapine", "Keppra 500 mg",
    "trazodone", "Wellbutrin", "clonazepam", "Invega Sustenna", "baclofen", "levetiracetam",
)  # fmt: skip
BUSINESSES = (
    "Walmart", "Hy-Vee", "Goodwill", "Dollar General", "the YMCA", "Burger King", "Casey's",
    "the public library", "Aldi", "the food pantry", "Walgreens", "the bowling alley",
)  # fmt: skip
CODES = ("H2017", "H2017HO", "97153", "97155", "H0036", "T1016", "G0177", "0372T")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


# ------------------------------------------------------------------------------------ formats


def fmt_date(day: dt.date, rng: random.Random, *, with_year: bool = True) -> str:
    """A date as people write it in notes, in one of many forms."""
    m, d, y = day.month, day.day, day.year
    mon = MONTHS[m - 1]
    full = [
        f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{m}/{d}/{y % 100:02d}", f"{mon} {d}, {y}",
        f"{mon[:3]} {d}, {y}", f"{mon[:3]}. {d}, {y}", f"{d} {mon} {y}", f"{y}-{m:02d}-{d:02d}",
        f"{m}-{d}-{y}", f"{m:02d}.{d:02d}.{y}", f"{mon} {d} {y}", f"{d}-{mon[:3]}-{y}",
    ]  # fmt: skip
    short = [f"{mon} {d}", f"{m}/{d}", f"{mon[:3]} {d}", f"{mon} {_ordinal(d)}",
             f"the {_ordinal(d)} of {mon}"]  # fmt: skip
    return rng.choice(full if with_year else short)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def fmt_phone(digits: str, rng: random.Random) -> str:
    a, b, c = digits[:3], digits[3:6], digits[6:]
    forms = [f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"{a}{b}{c}", f"{b}-{c}",
             f"+1 {a} {b} {c}", f"{a} {b} {c}", f"({a}){b}-{c}", f"1-{a}-{b}-{c}"]  # fmt: skip
    return rng.choice(forms)


def fmt_medicaid(digits: str, rng: random.Random) -> str:
    forms = [digits, digits, f"{digits[:4]}-{digits[4:]}", f"{digits[:4]} {digits[4:]}",
             f"{digits[:2]} {digits[2:5]} {digits[5:]}"]  # fmt: skip
    return rng.choice(forms)


def fmt_ssn(digits: str, rng: random.Random) -> str:
    a, b, c = digits[:3], digits[3:5], digits[5:]
    return rng.choice([f"{a}-{b}-{c}", f"{a} {b} {c}", digits, f"{a}-{b}-{c}"])


# ------------------------------------------------------------------------------------ a note's cast


@dataclass
class Person:
    first: str
    last: str
    nick: str | None = None

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Cast:
    """Everyone and everything one note may mention."""

    client: Person
    dob: dt.date
    medicaid: str
    street: str
    town: str
    zip: str
    county: str
    phone: str
    email: str
    ssn: str
    mrn: str
    client_id: str
    staff: Person
    credential: str
    supervisor: Person
    family: dict[str, Person]
    peers: list[Person]
    doctor: Person
    landlord: Person
    employer: Person
    family_phone: str
    service_day: dt.date
    age_old: int
    age_young: int
    uses_nick: bool
    extra: dict[str, str] = field(default_factory=dict)


def _person(rng: random.Random, female: bool | None = None) -> Person:
    if female is None:
        female = rng.random() < 0.5
    return Person(rng.choice(FIRST_F if female else FIRST_M), rng.choice(LAST))


def _digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def _cast(rng: random.Random) -> Cast:
    client = _person(rng)
    staff, supervisor = _person(rng), _person(rng)
    while staff.last == client.last or supervisor.last in (client.last, staff.last):
        staff, supervisor = _person(rng), _person(rng)
    uses_nick = rng.random() < 0.15
    if uses_nick:
        client.nick = rng.choice(NICKNAMES)
    family = {
        role: Person(
            rng.choice(FIRST_F if role in _FEMALE_ROLES else FIRST_M),
            client.last if rng.random() < 0.6 else rng.choice(LAST),
        )
        for role in ("mother", "father", "sister", "brother", "son", "daughter", "aunt",
                     "grandmother", "husband", "wife", "guardian", "roommate", "friend")
    }  # fmt: skip
    town, zip_code = rng.choice(TOWNS)
    service_day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(540))
    dob = service_day - dt.timedelta(days=rng.randrange(19 * 365, 78 * 365))
    street = f"{rng.randrange(100, 9999)} {rng.choice(STREETS)}"
    if rng.random() < 0.25:
        street += f", {rng.choice(UNITS)}"
    user = rng.choice(
        [
            f"{client.first}.{client.last}",
            f"{client.first[0]}{client.last}{rng.randrange(60, 99)}",
            f"{client.first}{rng.randrange(1, 999)}",
            f"{rng.choice(('sunshine', 'mizzou', 'bluejay', 'farmgirl', 'kcfan'))}"
            f"{rng.randrange(10, 99)}",
        ]
    )
    user = re.sub(r"[^A-Za-z0-9.]", "", user).lower()
    return Cast(
        client=client,
        dob=dob,
        medicaid=_digits(rng, 8),
        street=street,
        town=town,
        zip=zip_code,
        county=rng.choice(COUNTIES),
        phone=rng.choice(("573", "660", "417", "816", "314", "636")) + _digits(rng, 7, "2345678"),
        email=f"{user}@{rng.choice(EMAIL_DOMAINS)}",
        ssn=_digits(rng, 3, "1234567") + _digits(rng, 6),
        mrn=_digits(rng, rng.choice((6, 7))),
        client_id=f"C-{rng.randrange(1000, 99999)}",
        staff=staff,
        credential=rng.choice(CREDENTIALS),
        supervisor=supervisor,
        family=family,
        peers=[_person(rng) for _ in range(3)],
        doctor=_person(rng),
        landlord=_person(rng),
        employer=_person(rng),
        family_phone="573" + _digits(rng, 7, "2345678"),
        service_day=service_day,
        age_old=rng.randrange(90, 106),
        age_young=rng.randrange(19, 89),
        uses_nick=uses_nick,
    )


_FEMALE_ROLES = {"mother", "sister", "daughter", "aunt", "grandmother", "wife"}

# ------------------------------------------------------------------------------------ slots

#: (text, PHI type or None, where the value comes from: "record" when the client's record holds
#: it, "other" when only recognition can find it)
Filled = tuple[str, str | None, str]
Slot = Callable[[Cast, random.Random], Filled]


def _rec(kind: str) -> Callable[[Callable[[Cast, random.Random], str]], Slot]:
    def wrap(get: Callable[[Cast, random.Random], str]) -> Slot:
        return lambda c, r: (get(c, r), kind, "record")

    return wrap


def _oth(kind: str | None) -> Callable[[Callable[[Cast, random.Random], str]], Slot]:
    def wrap(get: Callable[[Cast, random.Random], str]) -> Slot:
        return lambda c, r: (get(c, r), kind, "other")

    return wrap


def _fam(role: str, part: str = "first") -> Slot:
    def get(c: Cast, r: random.Random) -> Filled:
        p = c.family[role]
        text = {"first": p.first, "full": p.full, "last": p.last}[part]
        # a relative who shares the client's surname is named by the record in part
        source = "record" if part == "last" and p.last == c.client.last else "other"
        return text, "NAME", source

    return get


def _client_first(c: Cast, r: random.Random) -> Filled:
    if c.uses_nick and c.client.nick and r.random() < 0.5:
        return c.client.nick, "NAME", "record"
    return c.client.first, "NAME", "record"


SLOTS: dict[str, Slot] = {
    "cf": _client_first,
    "cfl": _rec("NAME")(lambda c, r: c.client.first.lower()),
    "cl": _rec("NAME")(lambda c, r: c.client.last),
    "cfull": _rec("NAME")(lambda c, r: c.client.full),
    "cfullcaps": _rec("NAME")(lambda c, r: c.client.full.upper()),
    "crev": _rec("NAME")(lambda c, r: f"{c.client.last}, {c.client.first}"),
    "cinit": _rec("NAME")(lambda c, r: f"{c.client.first[0]}.{c.client.last[0]}."),
    "ttl": _oth(None)(lambda c, r: r.choice(("Mr.", "Ms.", "Mrs.", "Mx."))),
    "sf": _rec("NAME")(lambda c, r: c.staff.first),
    "sfull": _rec("NAME")(lambda c, r: c.staff.full),
    "sinit": _rec("NAME")(lambda c, r: f"{c.staff.first[0]}. {c.staff.last}"),
    "cred": _oth(None)(lambda c, r: c.credential),
    "supfull": _rec("NAME")(lambda c, r: c.supervisor.full),
    "supl": _rec("NAME")(lambda c, r: c.supervisor.last),
    "mom": _fam("mother"),
    "momfull": _fam("mother", "full"),
    "dad": _fam("father"),
    "dadl": _fam("father", "last"),
    "sis": _fam("sister"),
    "bro": _fam("brother"),
    "son": _fam("son"),
    "dau": _fam("daughter"),
    "aunt": _fam("aunt"),
    "gma": _fam("grandmother"),
    "gmafull": _fam("grandmother", "full"),
    "husb": _fam("husband"),
    "wife": _fam("wife"),
    "guardfull": _fam("guardian", "full"),
    "guard": _fam("guardian"),
    "room": _fam("roommate"),
    "friend": _fam("friend"),
    "friendl": _oth("NAME")(lambda c, r: c.family["friend"].first.lower()),
    "peer1": _oth("NAME")(lambda c, r: c.peers[0].first),
    "peer2": _oth("NAME")(lambda c, r: c.peers[1].first),
    "peer2full": _oth("NAME")(lambda c, r: c.peers[1].full),
    "peerinit": _oth("NAME")(lambda c, r: f"{c.peers[2].first[0]}.{c.peers[2].last[0]}."),
    "doc": _oth("NAME")(lambda c, r: c.doctor.last),
    "docfull": _oth("NAME")(lambda c, r: c.doctor.full),
    "landfull": _oth("NAME")(lambda c, r: c.landlord.full),
    "land": _oth("NAME")(lambda c, r: c.landlord.first),
    "boss": _oth("NAME")(lambda c, r: c.employer.full),
    "bossl": _oth("NAME")(lambda c, r: c.employer.last),
    "dob": _rec("DATE")(lambda c, r: fmt_date(c.dob, r)),
    "dos": _oth("DATE")(lambda c, r: fmt_date(c.service_day, r)),
    "dosshort": _oth("DATE")(lambda c, r: fmt_date(c.service_day, r, with_year=False)),
    "next": _oth("DATE")(
        lambda c, r: fmt_date(c.service_day + dt.timedelta(days=r.randrange(3, 30)), r)
    ),
    "nextshort": _oth("DATE")(
        lambda c, r: fmt_date(
            c.service_day + dt.timedelta(days=r.randrange(3, 30)), r, with_year=False
        )
    ),
    "past": _oth("DATE")(
        lambda c, r: fmt_date(c.service_day - dt.timedelta(days=r.randrange(20, 900)), r)
    ),
    "monthyear": _oth("DATE")(
        lambda c, r: f"{MONTHS[c.service_day.month - 1]} {c.service_day.year}"
    ),
    "mcd": _rec("MEDICAID_ID")(lambda c, r: fmt_medicaid(c.medicaid, r)),
    "ssn": _oth("SSN")(lambda c, r: fmt_ssn(c.ssn, r)),
    "mrn": _oth("RECORD_NO")(lambda c, r: c.mrn),
    "cid": _rec("RECORD_NO")(lambda c, r: c.client_id),
    "casen": _oth("RECORD_NO")(lambda c, r: f"{c.service_day.year}-{r.randrange(100, 99999):05d}"),
    "phone": _rec("PHONE")(lambda c, r: fmt_phone(c.phone, r)),
    "fphone": _oth("PHONE")(lambda c, r: fmt_phone(c.family_phone, r)),
    "email": _oth("EMAIL")(lambda c, r: c.email),
    "street": _rec("ADDRESS")(lambda c, r: c.street),
    "town": _rec("ADDRESS")(lambda c, r: c.town),
    "zip": _rec("ADDRESS")(lambda c, r: c.zip),
    "county": _oth("ADDRESS")(lambda c, r: f"{c.county} County"),
    "otown": _oth("ADDRESS")(lambda c, r: r.choice([t for t, _ in TOWNS if t != c.town])),
    "ostreet": _oth("ADDRESS")(lambda c, r: f"{r.randrange(100, 9999)} {r.choice(STREETS)}"),
    "ageold": _oth("AGE")(lambda c, r: str(c.age_old)),
    # not PHI: hard negatives
    "ageok": _oth(None)(lambda c, r: str(c.age_young)),
    "prog": _oth(None)(lambda c, r: r.choice(PROGRAMS)),
    "drug": _oth(None)(lambda c, r: r.choice(DRUGS)),
    "biz": _oth(None)(lambda c, r: r.choice(BUSINESSES)),
    "code": _oth(None)(lambda c, r: r.choice(CODES)),
    "wday": _oth(None)(lambda c, r: r.choice(WEEKDAYS)),
    "time": _oth(None)(
        lambda c, r: r.choice(("9:30 am", "10:00", "1:15 pm", "2:45 PM", "11 a.m.", "13:30"))
    ),
    "units": _oth(None)(lambda c, r: str(r.randrange(2, 16))),
    "rate": _oth(None)(lambda c, r: f"{r.randrange(1, 10)}/10"),
    "year": _oth(None)(lambda c, r: str(r.randrange(2008, 2023))),
    "npi": _oth(None)(lambda c, r: _digits(r, 10, "1")),
    "money": _oth(None)(lambda c, r: f"${r.randrange(20, 900)}.{r.randrange(100):02d}"),
}

# ------------------------------------------------------------------------------------ templates
# Each template is one line or sentence; a note is a header, several body sentences and a
# signature. Templates are split between the dev and held-out notes by their position.

HEADERS = (
    "Client: {cfull}    DOB: {dob}    Medicaid ID: {mcd}\nDate of service: {dos}",
    "PROGRESS NOTE - {prog}\nName: {crev}  DCN {mcd}  Record # {cid}",
    "Pt: {cfull} | D.O.B. {dob} | MRN {mrn}",
    "{cfullcaps}  ({cid})\nService date {dos}, {time}-{time}, code {code}",
    "Consumer name: {cfull}\nMO HealthNet #: {mcd}\nAddress: {street}, {town}, MO {zip}",
    "Re: {crev} (DOB {dob}), Medicaid {mcd}",
    "Individual: {cfull}   Birth date: {dob}   Phone: {phone}",
    "Session {dos} / {cfull} / MRN: {mrn}",
)
BODY = (
    "{cf} met CSW at {biz} to practice asking staff for help finding items.",
    "Staff {sfull} met with {cf} at home on {dosshort} to review the intervention plan.",
    "{cf}'s mother, {mom}, joined the last twenty minutes and asked about transportation.",
    "Client reported that her brother {bro} has been helping with grocery shopping.",
    "{cfull} was reminded to take {drug} as prescribed by Dr. {doc}.",
    "CSW called {cf} at {phone} to confirm the next session on {next}.",
    "Mr. {dadl} (father) stated he is worried about {cf} isolating in his room.",
    "{cf} identified {peer1} and {peer2} as group members he feels comfortable with.",
    "Client lives at {street} in {town} with roommate {room}.",
    "Writer faxed the release to Dr. {docfull} at {fphone}.",
    "{cf} turned {ageok} this month and talked about goals for the coming year.",
    "Client's grandmother, who is {ageold} years old, lives with the family.",
    "Next appointment scheduled for {next} at {time}.",
    "{cf} rated anxiety {rate} before the outing and lower afterward.",
    "Guardian {guardfull} signed the consent on {past}.",
    "Client was hospitalized from {past} to {past}; case number {casen}.",
    "Email from {cf} ({email}) asked to move the meeting to {wday}.",
    "{cf} practiced introducing himself to a cashier at {biz} in {otown}.",
    "Supervisor {supfull} reviewed this note.",
    "The plan under {prog} continues; {units} units billed under {code}.",
    "her sister {sis} drove {cfl} to the group because the van was full.",
    "SSN on file: {ssn}. Medicaid id {mcd} verified with the eligibility line.",
    "{cf} talked about {friend}, a friend from church who moved to {otown} in {year}.",
    "Landlord {landfull} called the office at {fphone} about late rent of {money}.",
    "{ttl} {cl} was on time and dressed appropriately for the weather.",
    "{cinit} participated in the cooking group and shared the recipe with {peerinit}.",
    "Spoke with {cf}'s aunt {aunt} about the family picnic planned for {nextshort}.",
    "{cf} has worked at {biz} since {monthyear} and reports his manager {boss} is supportive.",
    "Client stated that {husb} is looking for work in {county}.",
    "Reviewed crisis plan; {cf} will call {mom} or the crisis line if overwhelmed.",
    "{sf} modeled how to order at the counter, then {cf} ordered without prompts.",
    "DOB {dob} and address {street}, {town} {zip} confirmed for the annual update.",
    "Group members {peer1}, {peer2} and {cf} planned a trip to {biz} for {nextshort}.",
    "{cf} said {dau} and {son} visited over the weekend.",
    "Client completed the budgeting worksheet and spent {money} at {biz}.",
    "The {prog} referral was sent to {otown} office; fax to {fphone}.",
    "{cfull}, age {ageok}, is enrolled in {prog} and takes {drug}.",
    "{gmafull} ({ageold} y/o) was present and supportive of the plan.",
    "Met {cf} at the {otown} library; {cf} checked out two books.",
    "{wife} reported {cf} slept better this week after the medication change.",
    "Writer left a voicemail for {guard} at {fphone} on {dosshort}.",
    "Client's record number {mrn} was added to the release form.",
    '{cf} stated "{friend} is my best friend" and wants to invite {friendl} to group.',
    "NPI {npi} was entered for the rendering provider.",
    "Client turned {ageold} on {past} and the group celebrated.",
    "Called {boss} at the job site about a job coach for {cf}; {bossl} agreed to meet.",
    "{cf} reports the bus stop near {ostreet} is the easiest to reach.",
    "CSW explained that {prog} does not cover rides to {biz}.",
    "{peer2full} left the group early; {cf} stayed through the {time} break.",
    "Met at the {county} Health Department with {cf} and {mom}.",
    "{cf} practiced saying no when a peer asked to borrow money.",
    "Contact number for the client changed to {phone}.",
    "{cf} and her husband {husb} attended together.",
    "The client discussed {land}, her landlord, and rehearsed asking for a repair.",
    "Client was born {dob} and has lived in {town} since {year}.",
    "{cf}'s son {son} starts school on {nextshort}.",
    "Writer contacted {ttl} {cl} by phone ({phone}) on {dosshort}.",
    "{cf} asked that {dad} not be given information about sessions.",
    "Dr. {doc} increased {drug} on {past}.",
    "{cfl} said {mom} wants a copy of the plan mailed to {street}.",
    "Client brought her zip code card: {zip}.",
    "{cfull} ({cid}) attended {units} sessions in {monthyear}.",
    "{cf} introduced CSW to the new roommate, {room}.",
    "{cf} was 15 minutes late; {cf} said the bus was delayed on {wday}.",
    "{cf} set up a new e-mail account, {email}, for appointment reminders.",
    "The benefits form {cf} filled in asked for her SSN ({ssn}); writer reviewed it with her.",
    "Reminder cards will go to {email} instead of the mail.",
    "{cfull} could not remember the SSN {ssn} and practiced reading it from the card.",
)
SIGNATURES = (
    "{sfull}, {cred}  {dos}",
    "Signed: {sinit}, {cred}",
    "-- {sfull} {cred}, reviewed by {supfull}, QHIP",
    "Electronically signed by {sfull} on {dos}",
    "{sf} {cred}",
    "Note by {sfull}; supervisor {supl}",
)


def _kinds(template: str) -> frozenset[str]:
    """The identifier types a template's slots fill."""
    out = set()
    for name in _SLOT.findall(template):
        kind = SLOTS[name](_SAMPLE, random.Random(0))[1]
        if kind is not None:
            out.add(kind)
    return frozenset(out)


def _split(items: tuple[str, ...], heldout: bool) -> list[str]:
    """The templates of one split, stratified so that both splits hold every identifier type:
    templates are grouped by the rarest type they fill (the type fewest templates fill), and in
    each group of two or more, every third template from the second on (the second of a pair)
    belongs to the held-out notes; a template that fills no identifier goes by its position."""
    kinds = [_kinds(t) for t in items]
    templates_of: dict[str, int] = {}
    for found in kinds:
        for kind in found:
            templates_of[kind] = templates_of.get(kind, 0) + 1
    groups: dict[str, list[int]] = {}
    for index, found in enumerate(kinds):
        key = min(found, key=lambda k: (templates_of[k], k)) if found else ""
        groups.setdefault(key, []).append(index)
    held: set[int] = set()
    for members in groups.values():
        if len(members) == 2:
            held.add(members[1])
        else:
            held.update(m for i, m in enumerate(members) if i % 3 == 2)
    return [t for i, t in enumerate(items) if (i in held) == heldout]


_SLOT = re.compile(r"\{(\w+)\}")
#: a cast to learn each slot's type from (its values do not matter)
_SAMPLE = _cast(random.Random(0))


def render(template: str, cast: Cast, rng: random.Random) -> tuple[str, list[dict[str, object]]]:
    """The template with its slots filled, and the gold spans of the filled identifiers."""
    out: list[str] = []
    spans: list[dict[str, object]] = []
    pos = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[pos : match.start()]
        out.append(literal)
        length += len(literal)
        text, kind, source = SLOTS[match.group(1)](cast, rng)
        if kind is not None:
            spans.append({"start": length, "end": length + len(text), "type": kind,
                          "source": source})  # fmt: skip
        out.append(text)
        length += len(text)
        pos = match.end()
    out.append(template[pos:])
    return "".join(out), spans


def _known(cast: Cast) -> dict[str, object]:
    """What the client's record holds, as ``--client`` would give it to the redactor."""
    return {
        "client_id": cast.client_id,
        "first_name": cast.client.first,
        "last_name": cast.client.last,
        "aliases": [cast.client.nick] if cast.client.nick else [],
        "dob": cast.dob.isoformat(),
        "medicaid_id": cast.medicaid,
        "address_line": cast.street,
        "city": cast.town,
        "zip": cast.zip,
        "phone": f"{cast.phone[:3]}-{cast.phone[3:6]}-{cast.phone[6:]}",
        "staff": [cast.staff.full, cast.supervisor.full],
    }


def note(index: int, rng: random.Random) -> dict[str, object]:
    """One labelled note."""
    heldout = index % HELDOUT_EVERY == 0
    cast = _cast(rng)
    parts: list[str] = []
    if rng.random() < 0.8:
        parts.append(rng.choice(_split(HEADERS, heldout)))
    body = rng.sample(_split(BODY, heldout), rng.randrange(4, 9))
    parts.append(" ".join(body) if rng.random() < 0.5 else "\n".join(body))
    parts.append(rng.choice(_split(SIGNATURES, heldout)))
    template = "\n\n".join(parts)
    text, spans = render(template, cast, rng)
    with_record = rng.random() >= WITHOUT_RECORD
    if not with_record:
        for span in spans:
            span["source"] = "other"
    return {
        "id": f"N{index:03d}",
        "split": "heldout" if heldout else "dev",
        "text": text,
        "known": _known(cast) if with_record else None,
        "spans": spans,
    }


def build() -> list[dict[str, object]]:
    rng = random.Random(SEED)
    return [note(i, rng) for i in range(NOTES)]


def main() -> None:
    notes = build()
    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        for item in notes:
            out.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(notes)} notes written to {OUT.name}")


if __name__ == "__main__":
    main()
