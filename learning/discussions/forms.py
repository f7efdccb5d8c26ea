"""Discussion forms: threads, replies, reflections, edits, reports and hiding."""

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


def _within_post_limit(form, field) -> None:
    # Count as the text is stored: a browser sends each line break as two characters.
    length = len((field.data or "").replace("\r\n", "\n").strip())
    if length > MAX_POST_LENGTH:
        raise ValidationError(
            f"Your text is {length:,} characters long; the limit is {MAX_POST_LENGTH:,}. "
            "Shorten it and send it again: your text is kept below."
        )


def _body(label: str, description: str = "") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[InputRequired("Write something before posting."), _within_post_limit],
        description=description
        or "Markdown works: **bold**, _italic_, lists, > quotes and links. "
        "Mention someone in the cohort with @ and their name.",
    )


class KeyedForm(FlaskForm):
    """A form that creates something carries a key, so sending it twice creates it once."""

    key = HiddenField()

    def ensure_key(self) -> None:
        if not self.key.data:
            self.key.data = new_form_key()


class ThreadForm(KeyedForm):
    title = StringField(
        "Title",
        validators=[InputRequired("Give the thread a title."), Length(max=MAX_TITLE_LENGTH)],
    )
    body = _body("Message")
    submit = SubmitField("Start the thread")


class AnnouncementForm(KeyedForm):
    title = StringField(
        "Title",
        validators=[InputRequired("Give the announcement a title."),
                    Length(max=MAX_TITLE_LENGTH)],
    )  # fmt: skip
    body = _body(
        "Announcement",
        "Every member sees it on the cohort home and gets it by email "
        "(unless they turned email off). Markdown works.",
    )
    submit = SubmitField("Send the announcement")


class ReplyForm(KeyedForm):
    body = _body("Your reply")
    reply_to = HiddenField()
    submit = SubmitField("Post reply")

    def reply_to_id(self) -> int | None:
        value = (self.reply_to.data or "").strip()
        return int(value) if value.isdigit() else None


class ReflectionForm(ReplyForm):
    body = _body("Your reflection")
    submit = SubmitField("Post your reflection")


class EditForm(FlaskForm):
    body = _body("Your post")
    submit = SubmitField("Save changes")


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why should a facilitator look at this post?",
        choices=[SelectChoice(value, label) for value, label in REASON_LABELS.items()],
        validators=[InputRequired("Choose a reason.")],
    )
    note = TextAreaField(
        "Note for the facilitators (optional)",
        validators=[Optional(), Length(max=MAX_NOTE_LENGTH)],
        description="Only the cohort's facilitators see your report and your name.",
    )
    submit = SubmitField("Send the report")


class HideForm(FlaskForm):
    reason = StringField(
        "Reason",
        validators=[InputRequired("Give a reason: the author will see it."),
                    Length(max=MAX_REASON_LENGTH)],
        description="The author sees this reason; other members see only that a "
        "facilitator hid the post.",
    )  # fmt: skip
    submit = SubmitField("Hide the post")
