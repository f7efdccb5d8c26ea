"""Discussion forms: threads, replies, reflections, edits, reports and hiding."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from learning.discussions.services import (
    MAX_NOTE_LENGTH,
    MAX_POST_LENGTH,
    MAX_REASON_LENGTH,
    MAX_TITLE_LENGTH,
    REASON_LABELS,
    new_form_key,
)
from learning.errors import format_count


def _within_post_limit(form, field) -> None:
    # Count as the text is stored: a browser sends each line break as two characters.
    length = len((field.data or "").replace("\r\n", "\n").strip())
    if length > MAX_POST_LENGTH:
        raise ValidationError(
            _(
                "Your text is %(length)s characters long; the limit is %(limit)s. "
                "Shorten it and send it again: your text is kept below.",
                length=format_count(length),
                limit=format_count(MAX_POST_LENGTH),
            )
        )


def _body(label, description=None) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[InputRequired(_l("Write something before posting.")), _within_post_limit],
        description=description
        or _l(
            "Markdown works: **bold**, _italic_, lists, > quotes and links. "
            "Mention someone in the cohort with @ and their name."
        ),
    )


class KeyedForm(FlaskForm):
    """A form that creates something carries a key, so sending it twice creates it once."""

    key = HiddenField()

    def ensure_key(self) -> None:
        if not self.key.data:
            self.key.data = new_form_key()


class ThreadForm(KeyedForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(_l("Give the thread a title.")), Length(max=MAX_TITLE_LENGTH)],
    )
    body = _body(_l("Message"))
    submit = SubmitField(_l("Start the thread"))


class AnnouncementForm(KeyedForm):
    title = StringField(
        _l("Title"),
        validators=[InputRequired(_l("Give the announcement a title.")),
                    Length(max=MAX_TITLE_LENGTH)],
    )  # fmt: skip
    body = _body(
        _l("Announcement"),
        _l(
            "Every member sees it on the cohort home and gets it by email "
            "(unless they turned email off). Markdown works."
        ),
    )
    submit = SubmitField(_l("Send the announcement"))


class ReplyForm(KeyedForm):
    body = _body(_l("Your reply"))
    reply_to = HiddenField()
    submit = SubmitField(_l("Post reply"))

    def reply_to_id(self) -> int | None:
        value = (self.reply_to.data or "").strip()
        return int(value) if value.isdigit() else None


class ReflectionForm(ReplyForm):
    body = _body(_l("Your reflection"))
    submit = SubmitField(_l("Post your reflection"))


class EditForm(FlaskForm):
    body = _body(_l("Your post"))
    submit = SubmitField(_l("Save changes"))


class ReportForm(FlaskForm):
    reason = RadioField(
        _l("Why should a facilitator look at this post?"),
        choices=[SelectChoice(value, label) for value, label in REASON_LABELS.items()],
        validators=[InputRequired(_l("Choose a reason."))],
    )
    note = TextAreaField(
        _l("Note for the facilitators (optional)"),
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
        description=_l("Only the cohort's facilitators see your report and your name."),
    )
    submit = SubmitField(_l("Send the report"))


class HideForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(_l("Give a reason: the author will see it.")),
                    Length(max=MAX_REASON_LENGTH)],
        description=_l("The author sees this reason; other members see only that a "
                       "facilitator hid the post."),
    )  # fmt: skip
    submit = SubmitField(_l("Hide the post"))
