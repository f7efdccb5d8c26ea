"""Cohort forms: cohort details, schedule, live sessions, invitations, join link, sign-up."""

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
        ("participant", "Participant"),
        ("contact", "Contact"),
        ("facilitator", "Facilitator"),
    ]
)


class CohortForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=200)],
        description="For example: Before you go, spring 2027.",
    )
    course = SelectField("Course", coerce=int)
    starts_on = DateField("Start date", validators=[DataRequired()])
    ends_on = DateField("End date", validators=[DataRequired()])
    timezone = SelectField(
        "Time zone of the cohort",
        validate_choice=False,
        description="Module release dates are midnight in this time zone.",
    )
    partnerships = SelectMultipleField(
        "Partnerships", coerce=int, description="Hold Ctrl or Cmd to choose several."
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save cohort")

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError("The end date must be on or after the start date.")


class ActionForm(FlaskForm):
    """A bare button: the CSRF token and nothing else."""


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])


class LiveSessionForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(
        "Starts (cohort time zone)", validators=[DataRequired()], format="%Y-%m-%dT%H:%M"
    )
    duration = IntegerField(
        "Duration in minutes", default=60, validators=[DataRequired(), NumberRange(min=5, max=600)]
    )
    join_url = URLField(
        "Join link",
        validators=[Optional(), Length(max=500)],
        description="The video call link, starting with https://",
    )
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Add live session")


class InviteForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="participant")
    organisation = SelectField("Organisation", coerce=int, validate_choice=True)
    submit = SubmitField("Send invitation")


class CsvUploadForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file.")],
        description="Columns: email, name, organisation, role. "
        "Comma or semicolon separated, UTF-8.",
    )
    submit = SubmitField("Check the file")


class CsvConfirmForm(FlaskForm):
    content = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Send all invitations")


class LinkForm(FlaskForm):
    max_uses = IntegerField(
        "Cap (most people who can join with it)",
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description="Leave empty for no cap.",
    )
    expires_on = DateField(
        "Expires after", validators=[Optional()], description="Leave empty for no expiry."
    )
    is_enabled = BooleanField("The link works")
    submit = SubmitField("Save link settings")


class SignUpForm(NewPasswordMixin, ProfileFieldsMixin, FlaskForm):
    organisation = SelectField("Organisation", coerce=int, validate_choice=True)
    submit = SubmitField("Create account and join")


class LinkSignUpForm(SignUpForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
