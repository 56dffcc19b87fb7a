"""Bulk import and export in the admin, for any model with a django-import-export resource.

Upload → a dry run that shows every change (or every error by file row and column, with nothing written) →
confirmation, which checks the file again and writes it in one transaction. The uploaded file waits between
the two steps in vision.uploads, redeemable only by the user who uploaded it. A file of more than
IMPORT_JOB_THRESHOLD rows is checked, and then written, by background jobs (vision.jobs) with a progress page; the
result pages are the same as a small file's.
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

    def run_import(self, data, filename, user, dry_run, expected_versions=None, preview=None):
        # `preview`: how many rows' previews a dry run keeps (None: all); a table of series values keeps only those.
        return import_table(self.import_resource_class, data, filename, user=user, dry_run=dry_run)

    def import_row_count(self, data, filename):
        """How many rows the file imports, read (up to a job's cap) to choose between checking it in the request
        and in a background job; raises ImportFileError for a file that cannot be read."""
        return tabular.count_rows(data, filename)

    def export_queryset(self, request):
        return self.get_queryset(request)

    def _import_context(self, request, **extra):
        import_name, _export = self._import_names()
        outcome = extra.get("outcome")
        return {
            "import_url_name": f"admin:{import_name}",
            # a job's result keeps the first MAX_JOB_ERRORS errors and how many there were
            "error_count": len(outcome.errors) if outcome is not None else 0,
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
                rows = self.import_row_count(data, upload.name)
                if goes_to_a_job(rows):
                    return self._check_in_a_job(request, data, upload.name, rows)
                outcome = self.run_import(data, upload.name, request.user, dry_run=True, preview=MAX_PREVIEW_ROWS)
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if outcome.ok:
                    meta = {"versions": outcome.versions, "rows": rows_of(outcome)}
                    token = uploads.stash(data, upload.name, request.user, meta)
        preview = tabular.preview_rows(outcome)[:MAX_PREVIEW_ROWS] if outcome is not None and outcome.ok else []
        context = self._import_context(
            request,
            form=form,
            outcome=outcome,
            token=token,
            preview=preview,
            preview_columns=tabular.preview_columns(preview),
        )
        return TemplateResponse(request, "admin/tabular_import.html", context)

    def _job_url(self, job):
        import_name, _export = self._import_names()
        return f"{reverse(f'admin:{import_name}')}?job={job.pk}"

    def _check_in_a_job(self, request, data, filename, rows):
        """A large file's dry run, by a background job: the file is stashed now (read and counted already, so a
        file that cannot be read never gets here) and the progress page follows the job."""
        label = self.model._meta.label_lower
        # "checked": False until the job has checked it, so the confirmation refuses the token before then
        token = uploads.stash(data, filename, request.user, {"checked": False})
        job = jobs.start(
            BackgroundJob.Kind.IMPORT_CHECK,
            request.user,
            run_import_check_job,
            label,
            token,
            request.user.pk,
            subject=label,
            total=rows,
        )
        return redirect(self._job_url(job))

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
        if meta.get("checked") is False:
            self.message_user(
                request, _("このファイルはまだ確認が終わっていません。確認の結果を待ってください。"), messages.ERROR
            )
            return redirect(f"admin:{import_name}")
        if goes_to_a_job(meta.get("rows", 0)):
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
            return redirect(self._job_url(job))
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
        """A large file's check or import while its job works (`&format=json`: the state alone, for the page's
        script), then the same result as a small file's: after the check, the counts, the preview and the button
        that confirms, or every error by row and column; after the import, the counts on the list."""
        job = jobs.visible_job(
            request.user,
            job_id,
            kind=(BackgroundJob.Kind.IMPORT_CHECK, BackgroundJob.Kind.IMPORT),
            subject=self.model._meta.label_lower,
        )
        if job is None:
            raise Http404
        status = jobs.status(job)
        if request.GET.get("format") == "json":
            return JsonResponse(status)
        if not job.is_over:
            context = self._import_context(
                request,
                job=job,
                status=status,
                status_url=f"{self._job_url(job)}&format=json",
                lead=_("ファイルを確認しています。確認だけで、まだ何も書き込みません。")
                if job.kind == BackgroundJob.Kind.IMPORT_CHECK
                else "",
            )
            return TemplateResponse(request, "admin/job_progress.html", context)
        if job.state == BackgroundJob.State.FAILED:
            self.message_user(request, job.message, messages.ERROR)
            context = self._import_context(request, form=ImportUploadForm(), outcome=None, token=None)
            return TemplateResponse(request, "admin/tabular_import.html", context)
        result = job.result
        if job.kind == BackgroundJob.Kind.IMPORT and result.get("ok"):
            return self._imported(request, result["totals"])
        outcome = ImportOutcome(
            layout=result.get("layout", ""),
            totals=result.get("totals", {}),
            errors=[CellError(*error) for error in result.get("errors", [])],
        )
        preview, token = [], None
        if job.kind == BackgroundJob.Kind.IMPORT_CHECK and outcome.ok:
            preview = preview_from_result(result.get("preview", {}))
            # only the owner can redeem the file, and only while it waits (not after its confirmation)
            if job.owner_id == request.user.pk and uploads.stashed_meta(result.get("token", ""), request.user):
                token = result["token"]
        context = self._import_context(
            request,
            form=ImportUploadForm(),
            outcome=outcome,
            token=token,
            preview=preview,
            preview_columns=tabular.preview_columns(preview),
            error_count=result.get("error_count", len(outcome.errors)),
        )
        return TemplateResponse(request, "admin/tabular_import.html", context)

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


def goes_to_a_job(rows) -> bool:
    """Whether a file of `rows` rows is checked, and written, by a background job rather than in the request:
    above IMPORT_JOB_THRESHOLD, or above the rows a request may read (tabular.MAX_ROWS; a job reads up to
    tabular.JOB_MAX_ROWS)."""
    return rows > settings.IMPORT_JOB_THRESHOLD or rows > tabular.MAX_ROWS


# The rows of a dry run's preview on its result page; the counts cover the whole file.
MAX_PREVIEW_ROWS = 500
# The errors a job keeps for its result page: the page lists them all today, but a 100,000-row file of errors
# would make a result larger than the file.
MAX_JOB_ERRORS = 1000


def _job_result(outcome):
    """What a job keeps of an import's outcome for its result page (JSON): the counts, or the first errors."""
    return {
        "ok": outcome.ok,
        "layout": outcome.layout,
        "totals": dict(outcome.totals),
        "errors": [[error.row, error.column, str(error.message)] for error in outcome.errors[:MAX_JOB_ERRORS]],
        "error_count": len(outcome.errors),
    }


def preview_for_result(rows):
    """A dry run's preview rows (tabular.PreviewRow) as JSON, for a job's result; preview_from_result reads them."""
    return {
        "key_headers": list(rows[0].key_headers) if rows else [],
        "rows": [
            [row.file_row, row.import_type, [[str(column), str(cell.old), str(cell.new)] for column, cell in row.cells]]
            for row in rows
        ],
    }


def preview_from_result(stored):
    """The preview rows kept by preview_for_result, as the template shows them."""
    key_headers = tuple(stored.get("key_headers", ()))
    return [
        tabular.PreviewRow(
            file_row, import_type, [(column, tabular.PreviewCell(old, new)) for column, old, new in cells], key_headers
        )
        for file_row, import_type, cells in stored.get("rows", [])
    ]


def _job_subjects(label, token, user_id):
    """The user, the model's admin and the stashed file (data, filename) of an import's job."""
    user = get_user_model().objects.get(pk=user_id)
    model_admin = admin.site._registry[apps.get_model(label)]
    stashed = uploads.redeem(token, user)
    if stashed is None:
        raise jobs.JobError(gettext("取込みの確認期限が切れました。もう一度ファイルを選んでください。"))
    return user, model_admin, stashed


def run_import_check_job(label, token, user_id):
    """The background job of a large file's dry run: check the stashed file through its ModelAdmin's run_import,
    as the upload of a small one does, writing nothing. A good file stays stashed with what its check saw, for the
    confirmation (which starts run_import_job), and the result keeps the counts and the preview's first rows; a
    bad file's result keeps its errors."""
    user, model_admin, (data, filename) = _job_subjects(label, token, user_id)
    try:
        outcome = model_admin.run_import(data, filename, user, dry_run=True, preview=MAX_PREVIEW_ROWS)
    except ImportFileError as error:
        raise jobs.JobError(str(error)) from error
    result = _job_result(outcome)
    if not outcome.ok:
        uploads.discard(token, user)
        return result
    uploads.remember(token, user, {"versions": outcome.versions, "rows": rows_of(outcome)})
    preview = tabular.preview_rows(outcome)[:MAX_PREVIEW_ROWS]
    return {**result, "token": token, "preview": preview_for_result(preview)}


def run_import_job(label, token, user_id):
    """The background job of a large import: write the stashed file through its ModelAdmin's run_import, as the
    confirmation of a small one does, and keep the counts or the errors for the result page."""
    user, model_admin, (data, filename) = _job_subjects(label, token, user_id)
    expected = uploads.stashed_meta(token, user).get("versions")
    try:
        outcome = model_admin.run_import(data, filename, user, dry_run=False, expected_versions=expected)
    except ImportFileError as error:
        raise jobs.JobError(str(error)) from error
    if outcome.ok:
        uploads.discard(token, user)
    return _job_result(outcome)
