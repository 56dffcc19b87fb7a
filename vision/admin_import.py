"""Bulk import and export in the admin, for any model with a django-import-export resource.

Upload → a dry run that shows every change (or every error by file row and column, with nothing written) →
confirmation, which checks the file again and writes it in one transaction. The uploaded file waits between
the two steps in vision.uploads, redeemable only by the user who uploaded it.
"""

import io
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import tabular, uploads
from .tabular import (
    CLEAR_MARKER,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    ImportFileError,
    attachment,
    import_table,
    read_upload,
)


class CappedUploadHandler(FileUploadHandler):
    """Keeps at most MAX_FILE_BYTES + 1 bytes of an uploaded file, in memory, and only counts the rest, so an
    oversized upload is neither held in memory nor spooled to a temporary file (Django's default handlers write
    anything over FILE_UPLOAD_MAX_MEMORY_SIZE to disk whole). The file's `size` is the true size, for the
    message that refuses it."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept, self.size = io.BytesIO(), 0
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        room = tabular.MAX_FILE_BYTES + 1 - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        self.kept.seek(0)
        return InMemoryUploadedFile(
            self.kept,
            self.field_name,
            self.file_name,
            self.content_type,
            self.size,
            self.charset,
            self.content_type_extra,
        )


def capped_upload(view):
    """The view with CappedUploadHandler for its uploads. The handler must be set before the CSRF check reads
    the body, so the check runs inside (Django's documented pattern for custom upload handlers)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.upload_handlers = [CappedUploadHandler(request)]
        return csrf_protect(view)(request, *args, **kwargs)

    wrapper.reads_its_own_body = True  # vision.middleware leaves the body to the view
    return wrapper


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("ファイル（CSV または XLSX）"))


class TabularImportAdminMixin:
    """Adds import/, import/confirm/ and export/<format>/ to a ModelAdmin. Set `import_resource_class`."""

    import_resource_class = None
    import_help = ""

    def _import_names(self):
        opts = self.model._meta
        return f"{opts.app_label}_{opts.model_name}_import", f"{opts.app_label}_{opts.model_name}_export"

    def get_urls(self):
        import_name, export_name = self._import_names()
        urls = [
            path("import/", self.admin_site.admin_view(capped_upload(self.import_view)), name=import_name),
            path(
                "import/confirm/", self.admin_site.admin_view(self.import_confirm_view), name=f"{import_name}_confirm"
            ),
            path("export/<str:format>/", self.admin_site.admin_view(self.export_view), name=export_name),
        ]
        return urls + super().get_urls()

    def run_import(self, data, filename, user, dry_run, expected_versions=None):
        return import_table(self.import_resource_class, data, filename, user=user, dry_run=dry_run)

    def export_queryset(self, request):
        return self.get_queryset(request)

    def _import_context(self, request, **extra):
        import_name, _export = self._import_names()
        return {
            **self.admin_site.each_context(request),
            "title": _("%(name)sの一括取込み") % {"name": self.model._meta.verbose_name},
            "opts": self.model._meta,
            "max_megabytes": MAX_FILE_BYTES // 1024 // 1024,
            "import_help": self.import_help,
            "clear_marker": CLEAR_MARKER,
            "confirm_url_name": f"admin:{import_name}_confirm",
            "columns": [field.column_name for field in self.import_resource_class().get_import_fields()],
            **extra,
        }

    def import_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        outcome = token = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data = read_upload(upload)
                outcome = self.run_import(data, upload.name, request.user, dry_run=True)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if outcome.ok:
                    token = uploads.stash(data, upload.name, request.user, {"versions": outcome.versions})
        preview = tabular.preview_rows(outcome)[:500] if outcome is not None and outcome.ok else []
        context = self._import_context(
            request,
            form=form,
            outcome=outcome,
            token=token,
            preview=preview,
            preview_columns=tabular.preview_columns(preview),
        )
        return TemplateResponse(request, "admin/tabular_import.html", context)

    def import_confirm_view(self, request):
        if request.method != "POST" or not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        import_name, _export = self._import_names()
        token = request.POST.get("token", "")
        stashed = uploads.redeem(token, request.user)
        if stashed is None:
            self.message_user(
                request, _("取込みの確認期限が切れました。もう一度ファイルを選んでください。"), messages.ERROR
            )
            return redirect(f"admin:{import_name}")
        data, filename = stashed
        expected = uploads.stashed_meta(token, request.user).get("versions")
        try:
            outcome = self.run_import(data, filename, request.user, dry_run=False, expected_versions=expected)
        except ImportFileError as error:
            outcome = None
            self.message_user(request, str(error), messages.ERROR)
        if outcome is None or not outcome.ok:
            context = self._import_context(request, form=ImportUploadForm(), outcome=outcome, token=None)
            return TemplateResponse(request, "admin/tabular_import.html", context)
        uploads.discard(token, request.user)
        self.message_user(
            request,
            _("取り込みました: 新規 %(new)s 件、変更 %(update)s 件、変更なし %(skip)s 件。") % outcome.totals,
            messages.SUCCESS,
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def export_view(self, request, format):
        """What this user may see, in the columns the import reads (CSV UTF-8 with BOM, or XLSX)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        dataset = self.import_resource_class().export(queryset=self.export_queryset(request))
        name = self.model._meta.model_name
        if format == "xlsx":
            return attachment(dataset.export("xlsx"), XLSX_CONTENT_TYPE, f"{name}.xlsx")
        return attachment(dataset.export("csv").encode("utf-8-sig"), "text/csv; charset=utf-8", f"{name}.csv")
