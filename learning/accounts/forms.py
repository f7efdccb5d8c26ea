"""Account forms: login, password reset, password change and profile."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
        raise ValidationError(_("Choose a time zone from the list."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )
    submit = SubmitField(_l("Send reset link"))


class NewPasswordMixin:
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=services.PASSWORD_MIN, max=services.PASSWORD_MAX)],
        description=_l(
            "At least %(num)s characters. A few words make a good one.", num=services.PASSWORD_MIN
        ),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change password"))


class ProfileFieldsMixin:
    display_name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=services.NAME_MAX)],
        description=_l("Shown to the members of your cohorts."),
    )
    language = SelectField(_l("Language"), choices=language_choices(list(LANGUAGE_NAMES)))
    timezone = SelectField(
        _l("Time zone"),
        validators=[_valid_timezone],
        validate_choice=False,
        description=_l("Dates and times are shown in this time zone."),
    )

    def set_choices(self) -> None:
        self.language.choices = language_choices(current_app.config["LANGUAGES"])
        self.timezone.choices = timezone_choices()


class ProfileForm(ProfileFieldsMixin, FlaskForm):
    email_notifications = SelectField(
        _l("Emails about posts, replies and mentions"),
        choices=[
            SelectChoice("immediately", _l("One email for each, at once")),
            SelectChoice("digest", _l("One daily digest")),
            SelectChoice("never", _l("No emails (see them on the site)")),
        ],
    )
    email_reminders = BooleanField(_l("Email me when work is due or overdue"))
    submit = SubmitField(_l("Save profile"))


class EraseForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("To be sure it is you."),
    )
    confirm = BooleanField(
        _l("I understand that my account, answers, tasks and certificates are deleted for good"),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Erase my account and data"))
