"""Write the synthetic survey samples (deterministic; run from the repository root):

    python data/samples/make_survey_samples.py

- survey_qualtrics.csv: Qualtrics layout (ids, question texts, ImportId JSON), identifier columns
- survey_spss.sav: SPSS with value labels, an ordinal scale and user-missing code 9 / 99
- survey_nl.csv: Dutch, semicolon-delimited, decimal commas, cp1252 encoded
Nothing in them is real; application ids follow the demo's pattern but need not exist.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent
LIKERT = ("Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree")
LIKERT_NL = ("Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens")
N = 60


def qualtrics_rows(n: int, seed: int = 6, n_likert: int = 3) -> list[list[str]]:
    """Header rows and answers of a Qualtrics-style export (also used by the timing test)."""
    rng = np.random.default_rng(seed)
    ids = ["StartDate", "EndDate", "Progress", "ResponseId", "RecipientEmail", "IPAddress"]
    ids += ["LocationLatitude", "LocationLongitude", "application_id"]
    texts = ["Start Date", "End Date", "Progress", "Response ID", "Recipient Email"]
    texts += ["IP Address", "Location Latitude", "Location Longitude", "application_id"]
    likert_q = [f"Q{i + 1}" for i in range(n_likert)]
    ids += likert_q + ["NPS", "Q_valuable", "Q_comment"]
    texts += [f"Statement {i + 1}: the process respected my time." for i in range(n_likert)]
    texts += [
        "How likely are you to recommend applying here to a friend?",
        "Which part of the process was most valuable to you?",
        "Anything else you would like to tell us?",
    ]
    import_ids = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(ids))]
    rows = [ids, texts, import_ids]
    valuable = ("Talking to a recruiter", "Talking to the team", "The assessment", "None")
    comments = ("Fast and clear.", "Nobody called me back.", "", "Friendly recruiter, slow offer.")
    for r in range(n):
        row = [
            "2026-03-01 10:00:00",
            "2026-03-01 10:07:00",
            "100",
            f"R_{r:06d}",
            f"person{r}@example.com",
            f"10.0.{r % 250}.{r % 200}",
            "52.37",
            "4.89",
            f"A{r * 7 + 1:07d}",
        ]
        row += [LIKERT[k] if rng.random() > 0.05 else "" for k in rng.integers(0, 5, n_likert)]
        row.append(str(int(rng.integers(0, 11))))
        row.append(valuable[int(rng.integers(0, 4))])
        row.append(comments[int(rng.integers(0, 4))])
        rows.append(row)
    return rows


def write_csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def spss_frame(n: int = N, seed: int = 7):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "resp_id": [f"S{r:04d}" for r in range(1, n + 1)],
            "pipeline": [("human_first", "automation_first")[r % 2] for r in range(n)],
            "q1": rng.integers(1, 6, n).astype(float),
            "q2": rng.integers(1, 3, n).astype(float),
            "age": rng.integers(20, 60, n).astype(float),
        }
    )
    frame.loc[::10, "q1"] = 9.0  # user-missing: "no answer"
    frame.loc[::15, "age"] = 99.0  # user-missing
    meta = {
        "column_labels": [
            "Respondent",
            "Pipeline",
            "The process was fair.",
            "Did you get feedback?",
            "Age",
        ],
        "variable_value_labels": {
            "q1": {
                1.0: "Strongly disagree",
                2.0: "Disagree",
                3.0: "Neutral",
                4.0: "Agree",
                5.0: "Strongly agree",
                9.0: "No answer",
            },
            "q2": {1.0: "Yes", 2.0: "No"},
        },
        "missing_ranges": {"q1": [9.0], "age": [99.0]},
        "variable_measure": {"q1": "ordinal", "q2": "nominal", "age": "scale"},
    }
    return frame, meta


def write_sav(path: Path, n: int = N, seed: int = 7) -> None:
    import pyreadstat

    frame, meta = spss_frame(n, seed)
    pyreadstat.write_sav(
        frame,
        str(path),
        column_labels=meta["column_labels"],
        variable_value_labels=meta["variable_value_labels"],
        missing_ranges=meta["missing_ranges"],
        variable_measure=meta["variable_measure"],
    )


def dutch_rows(n: int = N, seed: int = 8) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    rows = [
        [
            "Respondent",
            "Proces",
            "De procedure was eerlijk",
            "Reistijd (uur)",
            "Aanbevelen (0-10)",
            "Opmerking",
        ]
    ]
    notes = ("Prima gesprek met de recruiter.", "Geen reactie gehad.", "Snel en duidelijk.", "")
    for r in range(n):
        rows.append(
            [
                f"NL{r + 1:03d}",
                ("mens-eerst proces", "automatisering-eerst proces")[r % 2],
                LIKERT_NL[int(rng.integers(0, 5))],
                f"{rng.uniform(0.2, 3.0):.1f}".replace(".", ","),
                str(int(rng.integers(0, 11))),
                notes[int(rng.integers(0, 4))],
            ]
        )
    return rows


def main() -> None:
    (OUT / "survey_qualtrics.csv").write_text(write_csv(qualtrics_rows(N)), encoding="utf-8")
    write_sav(OUT / "survey_spss.sav")
    (OUT / "survey_nl.csv").write_bytes(write_csv(dutch_rows(), ";").encode("cp1252"))


if __name__ == "__main__":
    main()
