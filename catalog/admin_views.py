"""Admin pages beyond model lists: import with a dry-run review, and the health report."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from catalog.importers import read_source
from catalog.management.commands.import_catalog import format_result
from catalog.selectors import catalog_health
from catalog.services import catalog_import

MAX_UPLOAD = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Catalog source",
        help_text="Huawei's SCP reference page saved as text, or an SCP Studio catalog JSON file.",
    )


def _read_upload(upload) -> str:  # type: ignore[no-untyped-def]
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError("The file is larger than 2 MB; a catalog page is far smaller.")
    try:
        return upload.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise forms.ValidationError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read)."
        ) from exc


def import_view(request: HttpRequest) -> HttpResponse:
    """Upload, review the dry-run change set, then confirm: the text travels in the form."""
    if not request.user.has_perm("catalog.change_action"):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Import catalog"}
    if request.method == "POST" and "confirm" in request.POST:
        text = request.POST.get("source_text", "")
        name = request.POST.get("source_name", "")
        result = catalog_import(read_source(text, source_name=name))
        if result.errors:
            messages.error(request, "Nothing was imported: the source has errors.")
        else:
            counts = result.counts()
            messages.success(
                request,
                f"Imported {name}: {counts['added']} added, {counts['changed']} changed, "
                f"{counts['removed']} removed.",
            )
            return redirect("admin:catalog_service_changelist")
        context.update(form=ImportForm(), result=result, lines=format_result(result, dry_run=True))
        return render(request, "admin/catalog/import.html", context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = _read_upload(upload)
        except forms.ValidationError as exc:
            form.add_error("file", exc)
        else:
            result = catalog_import(read_source(text, source_name=upload.name), dry_run=True)
            context.update(
                result=result,
                lines=format_result(result, dry_run=True),
                source_text=text,
                source_name=upload.name,
            )
    context["form"] = form
    return render(request, "admin/catalog/import.html", context)


def health_view(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Catalog health",
        "report": catalog_health(),
    }
    return render(request, "admin/catalog/health.html", context)
