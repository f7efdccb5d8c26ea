"""Cohort forms: cohort details, schedule, live sessions, invitations, join link, sign-up."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from learning.accounts.forms import NewPasswordMixin, ProfileFieldsMixin


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


ROLE_CHOICES = choices(
    [
        ("participant", _l("Participant")),
        ("contact", _l("Contact")),
        ("facilitator", _l("Facilitator")),
    ]
)


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example: Before you go, spring 2027."),
    )
    course = SelectField(_l("Course"), coerce=int)
    starts_on = DateField(_l("Start date"), validators=[DataRequired()])
    ends_on = DateField(_l("End date"), validators=[DataRequired()])
    timezone = SelectField(
        _l("Time zone of the cohort"),
        validate_choice=False,
        description=_l("Module release dates are midnight in this time zone."),
    )
    partnerships = SelectMultipleField(
        _l("Partnerships"), coerce=int, description=_l("Hold Ctrl or Cmd to choose several.")
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save cohort"))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_("The end date must be on or after the start date."))


class ActionForm(FlaskForm):
    """A bare button: the CSRF token and nothing else."""


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])


class LiveSessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        _l("Starts (cohort time zone)"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    duration = IntegerField(
        _l("Duration in minutes"),
        default=60,
        validators=[DataRequired(), NumberRange(min=5, max=600)],
    )
    join_url = URLField(
        "Join link",  # the label is set in __init__
        validators=[Optional(), Length(max=500)],
        description=_l("The video call link, starting with https://"),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Add live session"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The video call's link, which some languages name apart from the cohort's join link.
        self.join_url.label.text = pgettext("live session", "Join link")


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="participant")
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Send invitation"))


class CsvUploadForm(FlaskForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a CSV file."))],
        description=_l(
            "Columns: email, name, organisation, role. Comma or semicolon separated, UTF-8."
        ),
    )
    submit = SubmitField(_l("Check the file"))


class CsvConfirmForm(FlaskForm):
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Send all invitations"))


class LinkForm(FlaskForm):
    max_uses = IntegerField(
        _l("Cap (most people who can join with it)"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leave empty for no cap."),
    )
    expires_on = DateField(
        _l("Expires after"), validators=[Optional()], description=_l("Leave empty for no expiry.")
    )
    is_enabled = BooleanField(_l("The link works"))
    submit = SubmitField(_l("Save link settings"))


class SignUpForm(NewPasswordMixin, ProfileFieldsMixin, FlaskForm):
    organisation = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Create account and join"))


class LinkSignUpForm(SignUpForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
