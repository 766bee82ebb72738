from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .base import Importer
from .errors import ImportFileError
from .parsing import Table, max_file_size, read_table, too_large_message


class UploadForm(forms.Form):
    """The upload: the file must be a readable spreadsheet with the importer's columns.
    After validation `table` holds the rows and `content` the file's bytes."""

    file = forms.FileField(
        label=_("文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, importer: type[Importer], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.importer = importer
        self.table: Table | None = None
        self.content = b""
        self.fields["file"].help_text = _(
            "支持 .xlsx（只读第一个工作表）和 .csv（UTF-8 或 GBK 编码），不超过 %(size)s MB。"
        ) % {"size": max_file_size() // (1024 * 1024)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_file_size():
            raise ValidationError(too_large_message(upload.size), code="too_large")
        content = upload.read()
        try:
            self.table = read_table(content, columns=self.importer.columns)
        except ImportFileError as error:
            raise ValidationError(str(error), code="bad_file") from None
        self.content = content
        return upload
