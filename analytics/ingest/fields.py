"""The field catalogue of ATS imports: the target fields of every kind of file with their English
and Dutch aliases, the value synonyms (statuses, stage
results, pipelines, yes/no) and the default pipeline tagging rules.

Why a module of its own: this is data, not logic. Supporting another ATS export mostly means adding
an alias here; keeping it apart keeps the reading and validation modules short. It imports nothing
of the project, so every other ingest module may import it.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["applications", "stages", "offers", "hires"]
KINDS: tuple[Kind, ...] = ("applications", "stages", "offers", "hires")
DateOrder = Literal["dmy", "mdy"]

# The meta key of the in-database salt used before keyed hashing (``store.idkey``): kept only so
# that old databases can be recognised; the store removes it on open and on every load.
RULES_KEY = "pipeline_rules"

# Target fields per kind, with aliases (compared after ``normalise_name``). The first field of
# every kind is its key. Pseudo-fields (not stored): ``first_step`` (the first step's name or
# format, used to tag the pipeline) and ``candidate_email`` (hashed into candidate_id when no
# candidate id is given).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "applications": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "sollicitatienummer",
            "sollicitatie",
            "opportunity id",
            "application number",
        ),
        "candidate_id": (
            "candidate id",
            "candidate",
            "kandidaat id",
            "kandidaatnummer",
            "person id",
            "contact id",
        ),
        "requisition_id": (
            "requisition id",
            "requisition",
            "job id",
            "vacature id",
            "vacature",
            "vacaturenummer",
            "posting id",
            "job",
        ),
        "applied_on": (
            "applied on",
            "applied at",
            "applied",
            "created at",
            "createdat",
            "sollicitatiedatum",
            "application date",
            "date applied",
            "datum",
        ),
        "role_family": (
            "role family",
            "department",
            "job family",
            "functiegroep",
            "afdeling",
            "function",
            "team",
        ),
        "seniority": ("seniority", "level", "niveau", "senioriteit"),
        "region": ("region", "location", "country", "regio", "locatie", "land", "office"),
        "source": ("source", "bron", "channel", "kanaal", "origin"),
        "pipeline": ("pipeline", "process", "proces", "process type", "procestype"),
        "first_step": (
            "first step",
            "first stage",
            "first step format",
            "eerste stap",
            "eerste ronde",
            "first touchpoint",
            "screening type",
            "first interview stage",
        ),
        "first_human_step": ("first human step", "eerste menselijke stap"),
        "career_switcher": ("career switcher", "zij instromer", "zijinstromer", "career change"),
        "status": ("status", "outcome", "uitkomst", "result", "resultaat", "application status"),
        "furthest_stage": (
            "furthest stage",
            "current stage",
            "stage",
            "fase",
            "huidige fase",
            "last stage",
            "current interview stage",
        ),
        "gender": ("gender", "geslacht", "sex"),
        "age_band": ("age band", "age group", "leeftijdsgroep", "leeftijdscategorie"),
        "candidate_email": ("email", "e mail", "email address", "e mailadres", "emailadres"),
        # A homemade sheet's date column per stage ("Phone screen", "Onsite", "Offer"): every such
        # column becomes stage events named after the column. May be mapped to many columns.
        "stage_date": (),
    },
    "stages": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
            "opportunity",
            "sollicitatie",
            "case id",
            "case",
            "zaak id",
        ),
        "stage": (
            "stage",
            "to stage",
            "new stage",
            "stage name",
            "interview stage",
            "fase",
            "stap",
            "naar fase",
            "step",
            "activity",
            "activiteit",
            "event",
        ),
        "entered_on": (
            "entered on",
            "changed at",
            "date",
            "timestamp",
            "entered at",
            "entered stage at",
            "entered stage",
            "datum",
            "stage date",
            "moved at",
            "updated at",
            "start time",
            "tijdstip",
        ),
        "exited_on": (
            "exited on",
            "exited at",
            "left stage at",
            "left at",
            "exited stage at",
            "end time",
            "einddatum",
        ),
        "result": ("result", "outcome", "resultaat", "uitkomst"),
        "touchpoint": ("touchpoint", "contact", "contactmoment"),
        "format": ("format", "type", "stage type", "vorm", "interview type"),
        "withdrawal_reason": ("withdrawal reason", "reason", "reden"),
    },
    "offers": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
        ),
        "offered_on": ("offered on", "offer date", "offered at", "datum aanbod", "aanboddatum"),
        "decided_on": ("decided on", "decision date", "responded at", "beslisdatum"),
        "accepted": ("accepted", "offer accepted", "geaccepteerd", "aanbod geaccepteerd"),
        "base_salary": ("base salary", "salary", "salaris", "basissalaris"),
        "comp_ratio": ("comp ratio", "compa ratio", "compratio"),
        "competing_offers": ("competing offers", "other offers", "andere aanbiedingen"),
        "decline_reason": ("decline reason", "reason", "reden afwijzing", "reden"),
    },
    "hires": {
        "application_id": (
            "application id",
            "application",
            "id",
            "sollicitatie id",
            "opportunity id",
        ),
        "start_on": ("start on", "start date", "startdatum", "hire date", "in dienst"),
        "perf_6m": (
            "perf 6m",
            "performance 6m",
            "performance 6 months",
            "rating 6m",
            "beoordeling 6m",
        ),
        "perf_12m": (
            "perf 12m",
            "performance 12m",
            "performance 12 months",
            "rating 12m",
            "beoordeling 12m",
        ),
        "manager_satisfaction": ("manager satisfaction", "tevredenheid manager"),
        "ramp_days": ("ramp days", "days to productivity", "inwerkdagen"),
        "left_on": (
            "left on",
            "termination date",
            "exit date",
            "end date",
            "uit dienst",
            "einddatum",
            "uitdienstdatum",
        ),
        "exit_type": ("exit type", "termination type", "vertrektype"),
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "applications": ("application_id", "applied_on", "status"),
    "stages": ("application_id", "stage", "entered_on"),
    "offers": ("application_id", "offered_on"),
    "hires": ("application_id", "start_on"),
}
DATE_FIELDS = {
    "applied_on",
    "entered_on",
    "exited_on",
    "offered_on",
    "decided_on",
    "start_on",
    "left_on",
}
NUMBER_FIELDS = {"base_salary", "comp_ratio", "perf_6m", "perf_12m", "manager_satisfaction"}
INT_FIELDS = {"first_human_step", "competing_offers", "ramp_days"}
BOOL_FIELDS = {"career_switcher", "accepted"}
PSEUDO_FIELDS = {"first_step", "candidate_email", "stage_date"}
MULTI_FIELDS = {"stage_date"}  # fields that may be mapped to more than one column

STATUS_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("hired", "hire", "aangenomen", "in dienst", "accepted offer"), "hired"),
    **dict.fromkeys(
        (
            "rejected",
            "reject",
            "afgewezen",
            "niet geschikt",
            "archived",
            "disqualified",
            "not selected",
        ),
        "rejected",
    ),
    **dict.fromkeys(
        (
            "withdrawn",
            "withdrew",
            "withdraw",
            "candidate withdrew",
            "teruggetrokken",
            "ingetrokken",
            "dropped out",
            "ghosted",
        ),
        "withdrawn",
    ),
    **dict.fromkeys(
        (
            "offer declined",
            "declined offer",
            "declined",
            "offer rejected",
            "rejected offer",
            "aanbod afgewezen",
            "aanbod geweigerd",
        ),
        "offer_declined",
    ),
    **dict.fromkeys(
        ("open", "active", "in progress", "in behandeling", "lopend", "actief", "pending", "new"),
        "open",
    ),
}
RESULT_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("advanced", "passed", "pass", "door", "doorgegaan", "geslaagd"), "advanced"),
    **dict.fromkeys(("rejected", "failed", "fail", "afgewezen", "niet door"), "rejected"),
    **dict.fromkeys(("withdrawn", "withdrew", "teruggetrokken"), "withdrawn"),
    **dict.fromkeys(("pending", "open", "active", "lopend"), "pending"),
}
PIPELINE_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("human first", "human", "mens eerst", "mens", "humanfirst"), "human_first"),
    **dict.fromkeys(
        (
            "automation first",
            "automated",
            "automation",
            "ai",
            "ai first",
            "automatisering eerst",
            "automationfirst",
        ),
        "automation_first",
    ),
}
TRUE_WORDS = {"true", "yes", "y", "1", "ja", "j", "waar", "accepted", "geaccepteerd"}
FALSE_WORDS = {"false", "no", "n", "0", "nee", "onwaar", "declined", "afgewezen"}

# Pipeline tagging by the first step's name or format. Data, not code: the rules used are stored
# in ``meta`` (key ``pipeline_rules``) with every load that applied them. First match wins;
# keywords match at the start of a word, case-insensitively, after ``normalise_text``.
PIPELINE_RULES: tuple[dict[str, object], ...] = (
    {
        "pipeline": "automation_first",
        "touchpoint": "automated",
        "keywords": [
            "one way video",
            "hirevue",
            "coding test",
            "codesignal",
            "hackerrank",
            "codility",
            "chatbot",
            "ai screen",
            "ai cv",
            "ai interview",
            "auto graded",
            "online test",
            "video interview",
            "automated",
            "game based",
        ],
    },
    {
        "pipeline": "human_first",
        "touchpoint": "human",
        "keywords": [
            "recruiter call",
            "recruiter screen",
            "phone screen",
            "intro call",
            "engineer chat",
            "engineer call",
            "hiring manager call",
            "screening call",
            "kennismakingsgesprek",
            "kennismaking",
            "telefonisch gesprek",
            "belafspraak",
            "recruiter gesprek",
            "human",
        ],
    },
)


# Touchpoint formats (DESIGN.md's names) recognised in step names when the file has no format
# column, so the funnel's format table and the business case's recruiter hours work on imports.
# First match wins; keywords match like the pipeline rules.
STEP_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("one_way_video", ("one way video", "hirevue", "video interview", "async video")),
    (
        "auto_coding_test",
        ("coding test", "codesignal", "hackerrank", "codility", "online test", "auto graded"),
    ),
    ("chatbot", ("chatbot", "chat bot")),
    ("ai_cv_screen", ("ai screen", "ai cv", "ai interview", "automated screen")),
    ("engineer_call", ("engineer chat", "engineer call", "technical call")),
    (
        "recruiter_call",
        (
            "recruiter call",
            "recruiter screen",
            "phone screen",
            "intro call",
            "screening call",
            "hiring manager call",
            "kennismakingsgesprek",
            "kennismaking",
            "telefonisch gesprek",
            "belafspraak",
            "recruiter gesprek",
        ),
    ),
    ("onsite", ("onsite", "on site")),
    ("panel", ("panel",)),
)
FORMAT_RULES = tuple({"format": f, "keywords": list(kws)} for f, kws in STEP_FORMATS)

# Different first steps of different pipelines (a recruiter call here, a HireVue video there) are
# alternatives for one position, not a sequence: they load as this one stage, their names kept as
# the format (and the tagging rules' touchpoint).
FIRST_STEP = ("screen", "First screen", "Eerste selectie")
