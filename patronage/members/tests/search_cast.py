"""People to search for, and the queries from the issue that must find each of them and nobody else.

Shared by the selector's tests, the console's customer list and the API's `GET /members?q=`.
"""

from __future__ import annotations

from patronage.members.models import Member
from patronage.members.services import IdentityInput, member_create

PEOPLE = {
    "minji": ("김민지", "minji.kim88@hanbit.co.kr", "+82 10 5555 1234", "HL-0123456789"),
    "jiho": ("박지호", "jiho.park@example.com", "010-1234-5678", "HL-0123456788"),
    "seoyeon": ("이서연", "sy.lee@example.com", "", ""),
    "hyunwoo": ("최현우", "hw.choi@example.com", "", ""),
    "sungmin": ("정성민", "sungmin@example.com", "", ""),
    "haruto": ("佐藤陽翔", "haruto.s@sora.jp", "+81 90-1234-5678", "SK-0000000042"),
    "hanako": ("すずき はなこ", "hanako@sora.jp", "", ""),
    "emma": ("Emma Wilson", "emma.w@example.org", "", ""),
}

# (query, who it finds)
CASES = [
    # phones in any national or international form
    ("090-1234-5678", "haruto"),
    ("09012345678", "haruto"),
    ("+81 90 1234 5678", "haruto"),
    ("0081-90-1234-5678", "haruto"),
    ("010-5555-1234", "minji"),
    ("01055551234", "minji"),
    ("+82-10-5555-1234", "minji"),
    ("010 1234 5678", "jiho"),
    # card numbers with or without separators, any case
    ("HL0123456789", "minji"),
    ("hl-0123456789", "minji"),
    ("hl 0123 4567 89", "minji"),
    ("sk0000000042", "haruto"),
    # part of an e-mail address
    ("minji.kim", "minji"),
    ("KIM88", "minji"),
    ("hanbit.co", "minji"),
    ("emma.w@", "emma"),
    # names across scripts
    ("Kim", "minji"),
    ("Gim Minji", "minji"),
    ("Min-ji Kim", "minji"),
    ("김민지", "minji"),
    ("민지", "minji"),
    ("Lee", "seoyeon"),
    ("Yi Seoyeon", "seoyeon"),
    ("Rhee", "seoyeon"),
    ("Park", "jiho"),
    ("Bak Jiho", "jiho"),
    ("Choi", "hyunwoo"),
    ("Choe Hyeonu", "hyunwoo"),
    ("Jung", "sungmin"),
    ("Jeong Seongmin", "sungmin"),
    ("Sato", "haruto"),
    ("さとう", "haruto"),
    ("Suzuki Hanako", "hanako"),
    ("wilson", "emma"),
]


def cast() -> dict[str, Member]:
    """The people above, with their e-mail, phone and card where they have them."""
    members = {}
    for key, (name, email, phone, card) in PEOPLE.items():
        identities = [IdentityInput("email", email)]
        identities += [IdentityInput("phone", phone)] if phone else []
        identities += [IdentityInput("card", card)] if card else []
        members[key] = member_create(actor=None, identities=identities, profile={"name": name})
    return members
