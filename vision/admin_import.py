"""Bulk import and export in the admin, for any model with a django-import-export resource.

Upload → a dry run that shows every change (or every error by file row and column, with nothing written) →
confirmation, which checks the file again and writes it in one transaction. The uploaded file waits between
the two steps in vision.uploads, redeemable only by the user who uploaded it.
"""

import io
from functools import wraps

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from . import jobs, tabular, uploads
from .models import BackgroundJob
from .tabular import (
    CLEAR_MARKER,
    MAX_FILE_BYTES,
    XLSX_CONTENT_TYPE,
    CellError,
    ImportFileError,
    ImportOutcome,
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
        if "job" in request.GET:
            return self.import_job_view(request, request.GET["job"])
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
                    meta = {"versions": outcome.versions, "rows": rows_of(outcome)}
                    token = uploads.stash(data, upload.name, request.user, meta)
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
        meta = uploads.stashed_meta(token, request.user)
        if meta.get("rows", 0) > settings.IMPORT_JOB_THRESHOLD:
            job = jobs.start(
                BackgroundJob.Kind.IMPORT,
                request.user,
                run_import_job,
                self.model._meta.label_lower,
                token,
                request.user.pk,
                subject=self.model._meta.label_lower,
                total=meta["rows"],
            )
            return redirect(f"{reverse(f'admin:{import_name}')}?job={job.pk}")
        expected = meta.get("versions")
        try:
            outcome = self.run_import(data, filename, request.user, dry_run=False, expected_versions=expected)
        except ImportFileError as error:
            outcome = None
            self.message_user(request, str(error), messages.ERROR)
        if outcome is None or not outcome.ok:
            context = self._import_context(request, form=ImportUploadForm(), outcome=outcome, token=None)
            return TemplateResponse(request, "admin/tabular_import.html", context)
        uploads.discard(token, request.user)
        return self._imported(request, outcome.totals)

    def _imported(self, request, totals):
        """Today's result of a written import: the counts as a message, on the list of the rows."""
        self.message_user(
            request,
            _("取り込みました: 新規 %(new)s 件、変更 %(update)s 件、変更なし %(skip)s 件。") % totals,
            messages.SUCCESS,
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    def import_job_view(self, request, job_id):
        """A large import's progress while its job works (`&format=json`: the state alone, for the page's script),
        then the same result as a small import's: the counts on the list, or every error by row and column."""
        job = jobs.visible_job(
            request.user, job_id, kind=BackgroundJob.Kind.IMPORT, subject=self.model._meta.label_lower
        )
        if job is None:
            raise Http404
        status = jobs.status(job)
        if request.GET.get("format") == "json":
            return JsonResponse(status)
        if job.state == BackgroundJob.State.DONE and job.result.get("ok"):
            return self._imported(request, job.result["totals"])
        if job.is_over:
            outcome = None
            if job.state == BackgroundJob.State.DONE:
                outcome = ImportOutcome(
                    layout=job.result.get("layout", ""),
                    totals=job.result.get("totals", {}),
                    errors=[CellError(*error) for error in job.result.get("errors", [])],
                )
            else:
                self.message_user(request, job.message, messages.ERROR)
            context = self._import_context(request, form=ImportUploadForm(), outcome=outcome, token=None)
            return TemplateResponse(request, "admin/tabular_import.html", context)
        import_name, _export = self._import_names()
        context = self._import_context(
            request,
            job=job,
            status=status,
            status_url=f"{reverse(f'admin:{import_name}')}?job={job.pk}&format=json",
        )
        return TemplateResponse(request, "admin/job_progress.html", context)

    def export_view(self, request, format):
        """What this user may see, in the columns the import reads (CSV UTF-8 with BOM, or XLSX)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        dataset = self.import_resource_class().export(queryset=self.export_queryset(request))
        name = self.model._meta.model_name
        if format == "xlsx":
            return attachment(dataset.export("xlsx"), XLSX_CONTENT_TYPE, f"{name}.xlsx")
        return attachment(dataset.export("csv").encode("utf-8-sig"), "text/csv; charset=utf-8", f"{name}.csv")


def rows_of(outcome):
    """How many rows an import writes or checks (a wide file's: one per year cell), from its dry run's counts."""
    return sum(outcome.totals.get(kind, 0) for kind in ("new", "update", "delete", "skip"))


# The errors a job keeps for its result page: the page lists them all today, but a 100,000-row file of errors
# would make a result larger than the file.
MAX_JOB_ERRORS = 1000


def run_import_job(label, token, user_id):
    """The background job of a large import: write the stashed file through its ModelAdmin's run_import, as the
    confirmation of a small one does, and keep the counts or the errors for the result page."""
    user = get_user_model().objects.get(pk=user_id)
    model_admin = admin.site._registry[apps.get_model(label)]
    stashed = uploads.redeem(token, user)
    if stashed is None:
        raise jobs.JobError(gettext("取込みの確認期限が切れました。もう一度ファイルを選んでください。"))
    data, filename = stashed
    expected = uploads.stashed_meta(token, user).get("versions")
    try:
        outcome = model_admin.run_import(data, filename, user, dry_run=False, expected_versions=expected)
    except ImportFileError as error:
        raise jobs.JobError(str(error)) from error
    if outcome.ok:
        uploads.discard(token, user)
    return {
        "ok": outcome.ok,
        "layout": outcome.layout,
        "totals": dict(outcome.totals),
        "errors": [[error.row, error.column, str(error.message)] for error in outcome.errors[:MAX_JOB_ERRORS]],
    }
