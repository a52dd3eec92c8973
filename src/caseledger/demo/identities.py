"""Invented people and places: names, birth dates, addresses, phones and identifiers.

Every value is made up. Surnames are built from syllables, phone numbers sit in the 555-0100 to
555-0199 block reserved for fiction, Medicaid ids start with 90, and tax ids with 00, a prefix the
IRS never issues. NPIs are random ten-digit numbers with a valid check digit, so that later claim
files validate; they are not looked up anywhere.
"""

from __future__ import annotations

import datetime as dt
import random

FIRST_NAMES_F = (
    "Avery", "Brianna", "Carmen", "Delia", "Elena", "Fatima", "Gloria", "Hazel", "Imani", "Jolene",
    "Kendra", "Lorna", "Marisol", "Nadia", "Opal", "Priya", "Quinn", "Rosalind", "Shanice",
    "Tamsin", "Uma", "Vera", "Wren", "Yolanda", "Zora", "Alma", "Bethany", "Colette", "Darla",
    "Esther",
)  # fmt: skip
FIRST_NAMES_M = (
    "Abel", "Bennett", "Cyrus", "Dorian", "Emmett", "Felix", "Grady", "Hollis", "Isaac", "Jasper",
    "Kellan", "Lionel", "Marcus", "Nolan", "Orrin", "Pierce", "Rafael", "Silas", "Tobias",
    "Ulysses", "Vance", "Wendell", "Xavier", "Yusuf", "Zane", "Alonzo", "Booker", "Clement",
    "Desmond", "Elias",
)  # fmt: skip
_SURNAME_HEADS = (
    "Ash", "Bram", "Cald", "Dun", "Elm", "Fen", "Gar", "Hol", "Ket", "Lind", "Mar", "Nor", "Pem",
    "Quill", "Ros", "Stan", "Thorn", "Wex", "Yar", "Brack", "Corn", "Drey", "Fal", "Hart",
)  # fmt: skip
_SURNAME_TAILS = (
    "by", "crest", "dale", "field", "ford", "grove", "ham", "holt", "ley", "mere", "ridge", "ton",
    "wick", "worth", "brook", "combe", "hurst", "more",
)  # fmt: skip
#: Missouri towns and a ZIP code of each; the street addresses in them are invented.
TOWNS = (
    ("Jefferson City", "65101"),
    ("Columbia", "65201"),
    ("Fulton", "65251"),
    ("Mexico", "65265"),
    ("Boonville", "65233"),
    ("California", "65018"),
    ("Ashland", "65010"),
    ("Holts Summit", "65043"),
    ("Moberly", "65270"),
    ("Eldon", "65026"),
)
_STREETS = (
    "Bluff Ridge Rd", "Cedar Hollow Ln", "Dogwood Ct", "Elk Run Dr", "Fox Meadow Way",
    "Juniper St", "Kestrel Ave", "Larkspur Pl", "Mulberry Row", "Osage Bend Rd", "Quarry Hill Dr",
    "Redbud Ln", "Sycamore Ter", "Tanager Ct", "Willow Creek Dr",
)  # fmt: skip
AREA_CODE = "573"


class Identities:
    """Draws invented identities from its own random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._surnames = sorted({h + t for h in _SURNAME_HEADS for t in _SURNAME_TAILS})

    def person(self, sex: str | None = None) -> tuple[str, str, str]:
        """(first name, last name, sex)."""
        rng = self.rng
        if sex is None:
            sex = rng.choice(("F", "M"))
        first = rng.choice(FIRST_NAMES_F if sex == "F" else FIRST_NAMES_M)
        return first, rng.choice(self._surnames), sex

    def surname(self) -> str:
        return self.rng.choice(self._surnames)

    def birth_date(self, on: dt.date, min_age: int, max_age: int) -> dt.date:
        """A birth date giving an age from ``min_age`` to ``max_age`` on ``on``."""
        return on - dt.timedelta(days=self.rng.randint(min_age * 366, max_age * 365))

    def address(self) -> tuple[str, str, str]:
        """(street address, town, ZIP)."""
        town, zip_code = self.rng.choice(TOWNS)
        return f"{self.rng.randrange(100, 9900)} {self.rng.choice(_STREETS)}", town, zip_code

    def phone(self) -> str:
        return f"{AREA_CODE}-555-01{self.rng.randrange(100):02d}"

    def medicaid_id(self) -> str:
        return f"90{self.rng.randrange(10**6):06d}"

    def npi(self) -> str:
        return npi_with_check_digit(f"1{self.rng.randrange(10**8):08d}")

    def license_number(self, year: int) -> str:
        return f"{year}{self.rng.randrange(10**6):06d}"


def npi_with_check_digit(first9: str) -> str:
    """The NPI whose first nine digits are ``first9`` (Luhn check over the prefix 80840)."""
    digits = [int(c) for c in "80840" + first9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return first9 + str((10 - total % 10) % 10)
