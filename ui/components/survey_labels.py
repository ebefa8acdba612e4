"""Names on the survey page: groupings (banners) and their groups in the reader's language, and
the demo label on downloads. Shared by the weighting form and the survey tabs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analytics.domain import DIMENSIONS
from analytics.i18n import label
from analytics.metrics import survey
from ui.components import widgets
from ui.context import PageContext


@dataclass(frozen=True)
class SurveyLabels:
    ctx: PageContext
    questions: dict[str, survey.QuestionInfo]

    def banner_name(self, key: str) -> str:
        """A grouping: ``pipeline``, a filter dimension, or ``q:<question id>``."""
        ctx = self.ctx
        if key.startswith("q:"):
            q = self.questions[key[2:]]
            text = widgets.wrap(q.text, 80).replace("<br>", " ")
            return ctx.t("survey.banner.question", text=text)
        return ctx.t("survey.banner.pipeline") if key == "pipeline" else ctx.t(f"dim.{key}")

    def group_names(self, banner_key: str, keys: list[str]) -> dict[str, str]:
        ctx = self.ctx
        out = {survey.TOTAL: ctx.t("survey.total"), survey.NO_GROUP: ctx.t("survey.no_group")}
        for k in keys:
            if k in (survey.TOTAL, survey.NO_GROUP):
                continue
            if banner_key == "pipeline" or banner_key in DIMENSIONS:
                out[k] = label(banner_key, k, ctx.lang)
            else:
                out[k] = k
        return out

    def level_name(self, banner_key: str, level: str) -> str:
        """A level in the weighting tables (the missing level has its own words)."""
        if level == survey.MISSING_LEVEL:
            return self.ctx.t("survey.missing_level")
        return self.group_names(banner_key, [level])[level]

    def order(self, banner_key: str) -> tuple[str, ...]:
        """A question grouping's own label order; other groupings have none."""
        return self.questions[banner_key[2:]].labels if banner_key.startswith("q:") else ()

    def labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Downloads of demo data say so (a last row naming them demo data)."""
        if not self.ctx.info.is_demo:
            return frame
        note = dict.fromkeys(frame.columns, "")
        note[frame.columns[-1]] = self.ctx.t("finding.demo_suffix")
        return pd.concat([frame, pd.DataFrame([note])], ignore_index=True)
