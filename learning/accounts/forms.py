"""Account forms: login, password reset, password change and profile."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from learning.accounts import services

LANGUAGE_NAMES = {
    "en": "English",
    "nb": "Norsk bokmål",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
}


REGIONS = ("Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def timezone_choices() -> list[SelectChoice]:
    """UTC and the zones of the main regions, grouped by region, cities first-named."""
    names = sorted(tz for tz in services.known_timezones() if tz.split("/")[0] in REGIONS)
    return [
        SelectChoice("UTC", "UTC"),
        *(
            SelectChoice(tz, tz.split("/", 1)[1].replace("_", " "), optgroup=tz.split("/")[0])
            for tz in names
        ),
    ]


def language_choices(codes: list[str]) -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES.get(code, code)) for code in codes]


def _valid_timezone(form, field) -> None:
    if not services.is_valid_timezone(field.data or ""):
        raise ValidationError("Choose a time zone from the list.")


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField("Log in")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )
    submit = SubmitField("Send reset link")


class NewPasswordMixin:
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=services.PASSWORD_MIN, max=services.PASSWORD_MAX)],
        description=f"At least {services.PASSWORD_MIN} characters. A few words make a good one.",
    )
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField("Set new password")


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Change password")


class ProfileFieldsMixin:
    display_name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=services.NAME_MAX)],
        description="Shown to the members of your cohorts.",
    )
    language = SelectField("Language", choices=language_choices(list(LANGUAGE_NAMES)))
    timezone = SelectField(
        "Time zone",
        validators=[_valid_timezone],
        validate_choice=False,
        description="Dates and times are shown in this time zone.",
    )

    def set_choices(self) -> None:
        self.language.choices = language_choices(current_app.config["LANGUAGES"])
        self.timezone.choices = timezone_choices()


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    email_notifications = SelectField(
        "Emails about posts, replies and mentions",
        choices=[
            SelectChoice("immediately", "One email for each, at once"),
            SelectChoice("digest", "One daily digest"),
            SelectChoice("never", "No emails (see them on the site)"),
        ],
    )
    email_reminders = BooleanField("Email me when work is due or overdue")
    submit = SubmitField("Save profile")


class EraseForm(FlaskForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired(), Length(max=200)],
        description="To be sure it is you.",
    )
    confirm = BooleanField(
        "I understand that my account, answers, tasks and certificates are deleted for good",
        validators=[DataRequired("Tick the box to confirm.")],
    )
    submit = SubmitField("Erase my account and data")
