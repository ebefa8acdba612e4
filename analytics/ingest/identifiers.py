"""Direct identifiers: which columns of an upload hold a person's name, e-mail address, phone
number, IP address, profile URL, home address, national id or date of birth, recognised by the
column's name (English and Dutch) and by its content, so that they are dropped before anything is
stored and the user is shown which column was dropped and why.

Why by content as well: exports name their columns every which way ("Kandidaatnaam", "contact",
"Email ID", "Tel", "Geboren"), and a survey tool stores every column it does not recognise as a
question. Names alone let identifiers in; values do not lie. Every content rule needs a clear
majority of the column's values to match, so a stray e-mail address in one free-text answer
does not drop a question, and a category column (few values, each repeated) is never a name.

Why the rules are shaped like this (each avoids a false positive seen in real exports):
- phone numbers need a leading ``+``/``00``/``0`` or a (xxx) xxx-xxxx layout, so ten-digit
  application numbers and thousands-separated salaries are not phones;
- personal names need one distinct value per row, two to five capitalised words and mostly
  distinct last words, so job titles ("Senior Data Engineer", last word repeated) and category
  columns are not names;
- dates of birth need almost every date to put the person at 15 to 80 years old today and the
  dates to spread over years, so application, offer and start dates (recent) never qualify.

This module imports nothing from the rest of ``ingest`` except the date parser, so mapping,
preparation and survey detection can all use it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from analytics.i18n import t
from analytics.ingest.values import detect_date_order, parse_date

IdentifierKind = Literal[
    "person_name",
    "email",
    "phone",
    "address",
    "birth_date",
    "ip_address",
    "profile",
    "national_id",
    "contact",
    "location",
]
Evidence = Literal["name", "content"]

SAMPLE_SIZE = 2000  # values looked at per column (the first non-empty ones): enough for a share
MATCH_SHARE = 0.5  # share of the sampled values that must look like the identifier
NAME_MIN_VALUES = 5  # personal names: too few values and any unique column looks like names
BIRTH_MIN_DATES = 10  # dates of birth by content: fewer distinct dates cannot show the spread


@dataclass(frozen=True)
class DroppedColumn:
    """A column dropped as a direct identifier: which one, what it holds, and how we know."""

    column: str
    kind: IdentifierKind
    evidence: Evidence

    def reason(self, lang: str = "en") -> str:
        """Why, in words ("the values are e-mail addresses")."""
        what = t(f"identifiers.kind.{self.kind}", lang)
        return t(f"identifiers.by_{self.evidence}", lang, what=what)

    def text(self, lang: str = "en") -> str:
        return f"{self.column} ({self.reason(lang)})"


def normalise_name(name: str) -> str:
    """'Application ID', 'application_id', 'applicationId' -> 'application id'."""
    s = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    s = re.sub(r"[^0-9a-zA-Z\u00c0-\u024f]+", " ", s.lower())
    return s.strip()


# --------------------------------------------------------------------------------------------
# By the column's name

# Identifiers whatever other words the name has ("Date of birth" has "date", a step word; "Email
# ID" ends in "id"). Compared as whole words (or word sequences) after ``normalise_name``; Dutch
# compounds are listed whole because whole-word matching misses them.
STRONG_NAME_WORDS: dict[IdentifierKind, tuple[str, ...]] = {
    "person_name": (
        "kandidaatnaam",
        "kandidaat naam",
        "sollicitantnaam",
        "sollicitant naam",
        "voornaam",
        "voornamen",
        "achternaam",
        "roepnaam",
        "tussenvoegsel",
        "familienaam",
        "meisjesnaam",
        "geboortenaam",
        "volledige naam",
        "first name",
        "firstname",
        "last name",
        "lastname",
        "full name",
        "fullname",
        "surname",
        "given name",
        "family name",
        "middle name",
        "recipientfirstname",
        "recipientlastname",
    ),
    "email": (
        "email id",
        "email address",
        "e mail address",
        "email adres",
        "e mail adres",
        "emailadres",
        "e mailadres",
        "mailadres",
        "emailaddress",
        "recipientemail",
        "recipient email",
    ),
    "phone": (
        "telefoonnummer",
        "telefoon nummer",
        "telefoonnr",
        "telnr",
        "tel nr",
        "mobielnummer",
        "mobiel nummer",
        "mobiele nummer",
        "mobielnr",
        "gsm",
        "phone number",
        "phonenumber",
        "mobile number",
        "cellphone",
        "cell phone",
    ),
    "address": (
        "woonadres",
        "huisadres",
        "straatnaam",
        "huisnummer",
        "street address",
        "home address",
        "postal address",
        "postcode",
        "zipcode",
        "zip code",
        "postal code",
    ),
    "birth_date": (
        "date of birth",
        "birth date",
        "birthdate",
        "birthday",
        "dob",
        "born",
        "geboren",
        "geboortedatum",
        "geboortedag",
        "geboortejaar",
        "geb datum",
        "gebdatum",
        "year of birth",
        "birth year",
    ),
    "ip_address": ("ip", "ip address", "ipaddress", "ip adres", "ipadres"),
    "profile": (
        "linkedin",
        "linked in",
        "github",
        "profile url",
        "profiel url",
        "profielurl",
        "social media",
    ),
    "national_id": (
        "bsn",
        "ssn",
        "social security",
        "burgerservicenummer",
        "paspoort",
        "passport",
        "paspoortnummer",
        "passport number",
        "identiteitsbewijs",
        "rijbewijs",
    ),
}

# Identifiers unless the name also says it is a process step, a date of something, a key or a
# thing rather than a person ("Phone screen", "Email sent on", "Applicant ID", "Job name").
WEAK_NAME_WORDS: dict[IdentifierKind, tuple[str, ...]] = {
    "person_name": ("name", "naam", "applicant", "sollicitant", "candidate name"),
    "phone": ("phone", "telephone", "telefoon", "tel", "mobile", "mobiel", "cell"),
    "email": ("email", "e mail", "mail"),
    "address": ("address", "adres", "street", "straat", "zip"),
    "birth_date": ("birth", "geboorte"),
    "profile": ("cv", "resume", "portfolio"),
    "contact": ("contact", "contactgegevens", "contact details", "contactinformatie"),
}

# Words that make a weak match a process step, a date or a key ("Phone screen date",
# "Applicant ID", "Contact moment"), not a person's details.
NOT_IDENTIFIER_WORDS = (
    "stage",
    "step",
    "screen",
    "screening",
    "interview",
    "call",
    "test",
    "date",
    "at",
    "on",
    "fase",
    "stap",
    "gesprek",
    "datum",
    "type",
    "id",
    "nummer",
    "nr",
    "number",
    "moment",
    "sent",
    "verstuurd",
)
# Things that have a name but are not people ("Job name", "Functienaam" is not listed at all).
NOT_PERSON_WORDS = (
    "job",
    "role",
    "vacancy",
    "vacature",
    "functie",
    "department",
    "afdeling",
    "company",
    "bedrijf",
    "source",
    "bron",
    "team",
    "survey",
    "enquete",
    "question",
    "vraag",
    "file",
    "bestand",
    "campaign",
    "campagne",
    "channel",
    "kanaal",
    "location",
    "locatie",
    "office",
    "stage",
    "fase",
    "pipeline",
    "proces",
    "process",
)


def _has(words: str, phrases: Iterable[str]) -> bool:
    return any(f" {p} " in words for p in phrases)


def identifier_by_name(column: str) -> IdentifierKind | None:
    """What kind of direct identifier the column's name says it holds, or None.

    Strong words decide alone ("Email ID", "Geboren", "Telefoonnr", "LinkedIn ID"); weak words
    ("Phone", "Name", "Applicant", "contact") lose to step, date and key words ("Phone screen",
    "Applicant ID") and, for names, to words of things ("Job name")."""
    norm = normalise_name(column)
    words = f" {norm} "
    squashed = f" {norm.replace(' ', '')} "
    for kind, phrases in STRONG_NAME_WORDS.items():
        if _has(words, phrases) or _has(squashed, (p for p in phrases if " " not in p)):
            return kind
    if _has(words, NOT_IDENTIFIER_WORDS):
        return None
    for kind, phrases in WEAK_NAME_WORDS.items():
        if _has(words, phrases):
            if kind == "person_name" and _has(words, NOT_PERSON_WORDS):
                return None
            return kind
    return None


# --------------------------------------------------------------------------------------------
# By the column's content

_EMAIL = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[A-Za-z]{2,24}$")
_PHONE_CHARS = re.compile(r"^[+(]?[0-9][0-9 ()./\-]*$")
_PHONE_INTERNATIONAL = re.compile(r"^(\+|00)[1-9][0-9]{7,14}$")
_PHONE_NL = re.compile(r"^0[1-9][0-9]{8}$")  # 06-12345678, 020 123 4567
_PHONE_US = re.compile(r"^\(?[2-9][0-9]{2}\)?[ .\-][0-9]{3}[ .\-][0-9]{4}$")
_URL = re.compile(r"^(https?://)?(www\.)?[a-z0-9.\-]+\.[a-z]{2,24}(/\S*)?$", re.IGNORECASE)
_PROFILE = re.compile(
    r"^(https?://)?([a-z]{2,3}\.)?(www\.)?"
    r"(linkedin\.com/(in|pub|profile)/|github\.com/[^/\s]+/?$|xing\.com/profile/"
    r"|facebook\.com/|twitter\.com/|x\.com/|instagram\.com/)",
    re.IGNORECASE,
)
# A personal name: 2-5 words, each a capitalised word (letters, apostrophes, hyphens, dots for
# initials) or a lower-case Dutch/German/French particle ("Jan van der Berg", "Anne-Marie d'Arc").
_PARTICLES = frozenset(
    (
        "van de der den het ter ten te op in 't d' da di du del della des la le von zu bin al el"
    ).split()
)
_NAME_WORD = re.compile(r"^[A-Z\u00c0-\u00de][A-Za-z\u00c0-\u00ff'\u2019\-]*\.?$")


def _sample(values: pd.Series) -> list[str]:
    """The first ``SAMPLE_SIZE`` non-empty values, as stripped text."""
    out: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        s = str(v).strip()
        if s:
            out.append(s)
            if len(out) >= SAMPLE_SIZE:
                break
    return out


def _share(sample: Sequence[str], test: Callable[[str], bool]) -> float:
    return sum(1 for v in sample if test(v)) / len(sample)


def is_email(value: str) -> bool:
    return len(value) <= 254 and _EMAIL.match(value) is not None


def is_phone(value: str) -> bool:
    """A phone number in a usual layout: NL (0612345678, 020-1234567, +31 6 ...), international
    (+44 20 7946 0958, 0049 ...) or North American ((555) 123-4567)."""
    if len(value) > 30 or not _PHONE_CHARS.match(value):
        return False
    if _PHONE_US.match(value):
        return True
    digits = re.sub(r"[ ()./\-]", "", value)
    return bool(_PHONE_INTERNATIONAL.match(digits) or _PHONE_NL.match(digits))


def is_ip_address(value: str) -> bool:
    if len(value) > 45 or ("." not in value and ":" not in value):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_profile_url(value: str) -> bool:
    return len(value) <= 500 and _PROFILE.match(value) is not None


def is_personal_name(value: str) -> bool:
    """Two to five words, each capitalised or a name particle, at least two capitalised."""
    if len(value) > 80:
        return False
    words = value.split()
    if not 2 <= len(words) <= 5:
        return False
    capitalised = 0
    for w in words:
        if w.lower() in _PARTICLES and not w[:1].isupper():
            continue
        if not _NAME_WORD.match(w):
            return False
        capitalised += 1
    return capitalised >= 2


# Last words of job titles and team names: a unique-per-row column of "Senior Data Engineer",
# "Lead Recruiter" is not a column of people's names.
_ROLE_WORDS = frozenset(
    (
        "engineer developer manager analyst designer recruiter owner consultant specialist "
        "advisor adviseur medewerker lead director directeur officer assistant architect "
        "scientist intern stagiair coordinator coördinator head partner associate support "
        "team department afdeling sales marketing operations finance"
    ).split()
)


def _looks_like_names(sample: Sequence[str], n_values: int, n_distinct: int) -> bool:
    """One distinct value per row, mostly personal-name shaped, with varied last words
    (surnames vary; the last words of job titles and category labels repeat and are role
    words)."""
    if n_values < NAME_MIN_VALUES or n_distinct < 0.95 * n_values:
        return False
    names = [v for v in sample if is_personal_name(v)]
    if len(names) < 0.8 * len(sample):
        return False
    last = [v.split()[-1].casefold() for v in names]
    roles = sum(w in _ROLE_WORDS for w in last)
    return roles < 0.2 * len(names) and len(set(last)) >= min(0.2 * len(names), 50)


def _looks_like_birth_dates(sample: Sequence[str], today: dt.date) -> bool:
    distinct = list(dict.fromkeys(sample))[:500]
    if len(distinct) < BIRTH_MIN_DATES:
        return False
    order = "mdy" if detect_date_order(distinct) == "mdy" else "dmy"
    dates = [parse_date(v, order) for v in distinct]
    parsed = [d for d in dates if d is not None]
    return len(parsed) >= 0.9 * len(distinct) and are_birth_dates(parsed, today)


def are_birth_dates(dates: Iterable[dt.date], today: dt.date | None = None) -> bool:
    """Dates that put almost everyone at 15 to 80 years old today and spread over the years
    like a workforce's ages: at least ten distinct dates whose middle 80% span eight years or
    more (process dates, even of an old export, cluster within a few years)."""
    today = today or dt.date.today()
    parsed = sorted(set(dates))
    if len(parsed) < BIRTH_MIN_DATES:
        return False
    oldest, youngest = today.year - 80, today.year - 15
    in_range = sum(oldest <= d.year <= youngest for d in parsed)
    p10, p90 = parsed[len(parsed) // 10], parsed[(len(parsed) * 9) // 10 - 1]
    return in_range >= 0.9 * len(parsed) and (p90.year - p10.year) >= 8


def identifier_by_content(
    values: pd.Series, *, today: dt.date | None = None
) -> IdentifierKind | None:
    """What kind of direct identifier the column's values are, or None. Looks at the first
    ``SAMPLE_SIZE`` non-empty values; a kind needs ``MATCH_SHARE`` of them."""
    sample = _sample(values)
    if not sample:
        return None
    for kind, test in (
        ("email", is_email),
        ("profile", is_profile_url),
        ("ip_address", is_ip_address),
        ("phone", is_phone),
    ):
        if _share(sample, test) >= MATCH_SHARE:
            return kind  # type: ignore[return-value]
    names, urls = _share(sample, is_personal_name) >= 0.8, _share(sample, _is_url) >= 0.9
    if names or urls:  # only then count distinct values over the whole column (costly)
        non_empty = values.dropna().astype(str).str.strip()
        non_empty = non_empty[non_empty != ""]
        n_values, n_distinct = len(non_empty), int(non_empty.str.casefold().nunique())
        if names and _looks_like_names(sample, n_values, n_distinct):
            return "person_name"
        if urls and n_values >= 2 and n_distinct >= 0.9 * n_values:
            return "profile"  # a link per person (CV, portfolio, profile on any site)
    if _looks_like_birth_dates(sample, today or dt.date.today()):
        return "birth_date"
    return None


def _is_url(value: str) -> bool:
    return "." in value and " " not in value and _URL.match(value) is not None


# --------------------------------------------------------------------------------------------
# A whole upload


def find_identifiers(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    today: dt.date | None = None,
    by_name_only: Iterable[str] = (),
) -> list[DroppedColumn]:
    """Every column (of ``columns``, default all) that holds direct identifiers, in file order:
    by its name first, else by its content. ``by_name_only`` columns are judged by name only
    (e.g. a column the caller hashes on purpose, such as the e-mail address used to link a
    candidate's applications)."""
    found: list[DroppedColumn] = []
    skip_content = set(by_name_only)
    for col in frame.columns if columns is None else columns:
        kind = identifier_by_name(str(col))
        if kind == "contact":  # a vague name: the values say what it is, if anything
            content = identifier_by_content(frame[col], today=today)
            if content is not None:
                found.append(DroppedColumn(str(col), content, "content"))
            elif not _is_categories(frame[col]):
                found.append(DroppedColumn(str(col), kind, "name"))
            continue
        if kind is not None:
            found.append(DroppedColumn(str(col), kind, "name"))
            continue
        if col in skip_content:
            continue
        content = identifier_by_content(frame[col], today=today)
        if content is not None:
            found.append(DroppedColumn(str(col), content, "content"))
    return found


def _is_categories(values: pd.Series) -> bool:
    """A handful of labels, each repeated (a stage file's "Contact" = human / automated)."""
    non_empty = values.dropna().astype(str)
    n_distinct = non_empty.nunique()
    return 0 < n_distinct <= 12 and n_distinct <= len(non_empty) / 2


def dropped_text(dropped: Sequence[DroppedColumn], lang: str = "en") -> str:
    """'Email ID (the column's name says: e-mail address); contact (the values are ...)'."""
    return "; ".join(d.text(lang) for d in dropped)
