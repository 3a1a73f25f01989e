"""The file input of a form that takes evidence (a certificate's scan, a placement's contract): the
upload is checked by training/files.py as the form validates, so a file that is not what it says
is refused under its own field while the rest of what was typed stays in the form."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms.validators import ValidationError

from training import files
from training.files import CheckedFile, FileRejected


class EvidenceField(FileField):
    """A PDF, JPEG or PNG checked by its content; `checked` is what will be stored (None: no file)."""

    checked: CheckedFile | None = None

    def pre_validate(self, form) -> None:
        self.checked = None
        if self.data:
            try:
                self.checked = files.check_upload(self.data)
            except FileRejected as refusal:
                raise ValidationError(str(refusal)) from refusal
