"""The demo's candidate-experience survey: questions, respondents and answers in long form.

Apart from the funnel generator because it is a different story (what candidates say, not what
happened to them) with its own deliberate flaw: non-response bias, so weighting has something to
correct. Drawn from the generator after the applications, so one seed fixes everything.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

DEMO_SURVEY_ID = "demo_candidate_experience"

LIKERT_EN = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
SURVEY_QUESTIONS = (
    # question_id, text, kind, scale
    ("prefer_human", "I prefer hiring processes with meaningful human interaction.", "likert", 5),
    (
        "lower_offer",
        "I would accept a slightly lower offer from a company that showed genuine interest in me.",
        "likert",
        5,
    ),
    ("respected_time", "The hiring process respected my time.", "likert", 5),
    ("understood_decisions", "I understood how decisions about me were made.", "likert", 5),
    ("nps", "How likely are you to recommend applying here to a friend?", "nps", 11),
    (
        "spoke_first",
        "Did you speak with a person before any test, video or chatbot?",
        "binary",
        2,
    ),
    ("most_valuable", "Which part of the process was most valuable to you?", "single", None),
    ("impersonal", "Which parts of the process felt impersonal?", "multi", None),
    ("comment", "Anything else you would like to tell us?", "text", None),
)
MOST_VALUABLE = ("Talking to a recruiter", "Talking to the team", "The assessment", "The offer")
IMPERSONAL = ("One-way video", "Chatbot", "Coding test", "Rejection e-mail", "None of these")
COMMENTS = (
    "A real person called me within two days; that made the difference.",
    "The one-way video felt like talking to a wall.",
    "Fast process, clear steps.",
    "I never heard back after the coding test.",
    "The engineer I spoke to explained the team really well.",
    "Too many rounds for a junior role.",
    "",
)


def _likert(rng: np.random.Generator, mean: np.ndarray) -> np.ndarray:
    """Five-point answers around a latent mean (1..5)."""
    latent = mean + rng.normal(0, 0.95, mean.size)
    return np.clip(np.rint(latent), 1, 5).astype(np.int64)


def _respondents(
    rng: np.random.Generator, applications: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Each respondent's pipeline and application (60% linked to an application, the rest
    anonymous: None)."""
    n_resp = int(np.clip(round(len(applications) * 0.075), 150, 1500))
    decided = applications[applications.status != "open"]
    n_linked = int(n_resp * 0.6)
    # Non-response bias on purpose (so weighting has something to correct): candidates of the
    # human-first pipeline answer about twice as often as automation-first ones.
    answer_rate = np.where(decided.pipeline.to_numpy() == "human_first", 2.0, 1.0)
    linked = decided.sample(
        n=min(n_linked, len(decided)), weights=answer_rate, random_state=rng.integers(1 << 31)
    )
    n_linked = len(linked)
    pipe = np.concatenate(
        [
            linked.pipeline.to_numpy(dtype=object),
            np.full(n_resp - n_linked, None, dtype=object),
        ]
    )
    app = np.concatenate(
        [
            linked.application_id.to_numpy(dtype=object),
            np.full(n_resp - n_linked, None, dtype=object),
        ]
    )
    return pipe, app


def _answers(rng: np.random.Generator, pipe: np.ndarray, resp_ids: np.ndarray) -> pd.DataFrame:
    """Long-form answers: human-first respondents rate the personal side higher, automation-first
    ones the speed; empty comments are left out (not answered)."""
    n_resp = len(pipe)
    hf = pipe == "human_first"
    af = pipe == "automation_first"
    answers: list[pd.DataFrame] = []

    def add(qid: str, num: np.ndarray | None, text: np.ndarray) -> None:
        answers.append(
            pd.DataFrame(
                {
                    "survey_id": DEMO_SURVEY_ID,
                    "respondent_id": resp_ids,
                    "question_id": qid,
                    "value_num": num if num is not None else np.nan,
                    "value_text": text,
                }
            )
        )

    base = np.full(n_resp, 3.0)
    means = {
        "prefer_human": base + 1.05,
        "lower_offer": base + 0.55 + 0.2 * hf,
        "respected_time": base + 0.35 + 0.25 * af - 0.1 * hf,
        "understood_decisions": base + 0.05 + 0.55 * hf - 0.2 * af,
    }
    for qid, mean in means.items():
        vals = _likert(rng, mean)
        add(qid, vals.astype(float), np.asarray(LIKERT_EN, dtype=object)[vals - 1])
    latent = 7.6 + 0.9 * hf - 0.4 * af + rng.normal(0, 2.0, n_resp)
    nps_vals = np.clip(np.rint(latent), 0, 10)
    add("nps", nps_vals, nps_vals.astype(int).astype(str).astype(object))
    p_valuable = np.where(hf[:, None], [0.42, 0.33, 0.10, 0.15], [0.28, 0.37, 0.17, 0.18])
    pick = (rng.random(n_resp)[:, None] > p_valuable.cumsum(axis=1)).sum(axis=1)
    pick = np.minimum(pick, len(MOST_VALUABLE) - 1)
    add("most_valuable", None, np.asarray(MOST_VALUABLE, dtype=object)[pick])
    p_imp = np.where(af[:, None], [0.45, 0.35, 0.30, 0.40, 0.15], [0.10, 0.08, 0.12, 0.35, 0.45])
    chosen = rng.random((n_resp, len(IMPERSONAL))) < p_imp
    chosen[:, -1] &= ~chosen[:, :-1].any(axis=1)
    multi = np.array(["; ".join(np.asarray(IMPERSONAL)[row]) for row in chosen], dtype=object)
    add("impersonal", None, multi)
    comment = np.asarray(COMMENTS, dtype=object)[rng.integers(0, len(COMMENTS), n_resp)]
    add("comment", None, comment)
    spoke = (rng.random(n_resp) < np.where(hf, 0.85, np.where(af, 0.2, 0.5))).astype(int)
    add("spoke_first", spoke.astype(float), np.asarray(["No", "Yes"], dtype=object)[spoke])
    answers_df = pd.concat(answers, ignore_index=True)
    return answers_df[answers_df.value_text != ""].reset_index(drop=True)


def survey_tables(
    rng: np.random.Generator, applications: pd.DataFrame, *, as_of: dt.date
) -> dict[str, pd.DataFrame]:
    """The demo survey's four tables for ``applications`` (drawn after them from the same
    generator, so the seed fixes both)."""
    pipe, app = _respondents(rng, applications)
    n_resp = len(pipe)
    resp_ids = np.char.add("S", np.char.zfill(np.arange(1, n_resp + 1).astype(str), 5)).astype(
        object
    )
    answers_df = _answers(rng, pipe, resp_ids)
    questions = pd.DataFrame(
        {
            "survey_id": DEMO_SURVEY_ID,
            "question_id": [q[0] for q in SURVEY_QUESTIONS],
            "position": list(range(1, len(SURVEY_QUESTIONS) + 1)),
            "text": [q[1] for q in SURVEY_QUESTIONS],
            "kind": [q[2] for q in SURVEY_QUESTIONS],
            "scale": pd.array([q[3] for q in SURVEY_QUESTIONS], dtype="Int16"),
            "labels": [
                list(LIKERT_EN),
                list(LIKERT_EN),
                list(LIKERT_EN),
                list(LIKERT_EN),
                [str(i) for i in range(11)],
                ["No", "Yes"],
                list(MOST_VALUABLE),
                list(IMPERSONAL),
                None,
            ],
        }
    )
    respondents = pd.DataFrame(
        {
            "survey_id": DEMO_SURVEY_ID,
            "respondent_id": resp_ids,
            "application_id": app,
            "pipeline": pipe,
            "weight": np.nan,
        }
    )
    surveys = pd.DataFrame(
        {
            "survey_id": [DEMO_SURVEY_ID],
            "name": ["Candidate experience survey (demo)"],
            "source_file": ["demo"],
            "created_at": [pd.Timestamp(as_of)],
            "n_respondents": [n_resp],
        }
    )
    return {
        "surveys": surveys,
        "survey_questions": questions,
        "survey_respondents": respondents,
        "survey_answers": answers_df,
    }
