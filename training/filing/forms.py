"""Forms of the filing pages. The prepare form has a qualification field per trainer of the cohort
(no record holds one), so its class is made for the cohort's trainers. Reasons (a return, a late
submission, a change) are checked by the services, whose refusal the page shows beside what was typed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.filing.snapshot import FilingDetails
from training.models import User


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class PrepareForm(FlaskForm):
    site_address = StringField(
        _l("Address of the site"), validators=[DataRequired(), Length(max=200)], filters=[_strip]
    )
    assessment_method = StringField(
        _l("Assessment method"), validators=[DataRequired(), Length(max=200)], filters=[_strip]
    )
    assessor = StringField(_l("Evaluation body"), validators=[DataRequired(), Length(max=100)], filters=[_strip])

    trainer_ids: Sequence[int] = ()

    def qualification_fields(self) -> list[tuple[int, StringField]]:
        return [(trainer_id, self[f"qualification_{trainer_id}"]) for trainer_id in self.trainer_ids]

    def details(self) -> FilingDetails:
        return FilingDetails(
            site_address=self.site_address.data or "",
            assessment_method=self.assessment_method.data or "",
            assessor=self.assessor.data or "",
            qualifications={t: field.data or "" for t, field in self.qualification_fields()},
        )


def prepare_form(trainers: Sequence[User], typed: Mapping | None = None, **kwargs) -> PrepareForm:
    """The prepare form for these trainers, filled from the filing's snapshot (`typed`) unless posted."""

    class ForTheseTrainers(PrepareForm):
        pass

    for trainer in trainers:
        label = _l("Qualification of %(name)s", name=trainer.display_name or trainer.username)
        setattr(
            ForTheseTrainers,
            f"qualification_{trainer.id}",
            StringField(
                label,
                description=_l("Certificate, level and number, e.g. 足部修护师一级/高级技师 S000061…"),
                validators=[DataRequired(), Length(max=120)],
                filters=[_strip],
            ),
        )
    ForTheseTrainers.trainer_ids = [t.id for t in trainers]
    details = FilingDetails.of(typed)
    data = {
        "site_address": details.site_address,
        "assessment_method": details.assessment_method,
        "assessor": details.assessor,
        **{f"qualification_{t}": q for t, q in details.qualifications.items()},
    }
    return ForTheseTrainers(data=data, **kwargs)


class StepForm(FlaskForm):
    """A step of a filing's life (its prefix is the status it leads to)."""

    reason = TextAreaField(_l("What must be corrected"), validators=[Optional(), Length(max=500)], filters=[_strip])
    late_reason = TextAreaField(
        _l("Why the filing comes late"), validators=[Optional(), Length(max=500)], filters=[_strip]
    )


class ChangeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the change"), validators=[Optional(), Length(max=500)], filters=[_strip])


class ButtonForm(FlaskForm):
    """A button that changes something (acknowledge a change): only the CSRF token."""
