"""Admin pages beyond model lists: import with a dry-run review, and the health report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from catalog.importers.reading import read_source
from catalog.management.commands.import_catalog import format_result
from catalog.selectors import catalog_health, import_draft_get
from catalog.services import catalog_import, import_draft_delete, import_draft_save

MAX_UPLOAD = 2 * 1024 * 1024
DRAFT_GONE = (
    "This review is no longer on the server (it expired, or was applied already): "
    "upload the file again."
)


PASTED = "pasted text"


class ImportForm(forms.Form):
    """A file, or the page's text pasted from the browser: one of the two."""

    file = forms.FileField(
        label="Catalog source",
        required=False,
        help_text="Huawei's SCP reference page saved as text, a service's authorization schema "
        "saved from IAM's API or command-line client (JSON), or an SCP Studio catalog JSON file.",
    )
    text = forms.CharField(
        label="Or paste it",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="Select the whole page in the browser, copy it and paste it here.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        has_file, has_text = bool(data.get("file")), bool((data.get("text") or "").strip())
        if has_file == has_text:
            raise forms.ValidationError(
                "Give the source once: upload a file or paste its text, not both."
                if has_file
                else "Upload a file or paste the page's text."
            )
        if has_text and len(data["text"].encode("utf-8")) > MAX_UPLOAD:
            self.add_error("text", "The text is larger than 2 MB; a catalog page is far smaller.")
        return data


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
    """Upload, review the dry-run change set, then confirm.

    The reviewed text stays on the server (an `ImportDraft`); the Apply form posts its SHA-256.
    """
    if not request.user.has_perm("catalog.change_action"):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Import catalog"}
    if request.method == "POST" and "confirm" in request.POST:
        return _apply(request, context)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = _read_upload(upload) if upload else form.cleaned_data["text"]
        except forms.ValidationError as exc:
            form.add_error("file", exc)
        else:
            name = upload.name if upload else PASTED
            result = catalog_import(read_source(text, source_name=name), dry_run=True)
            context.update(result=result, lines=format_result(result, dry_run=True))
            if result.changes and not result.errors:
                context["source_sha256"] = import_draft_save(
                    user=request.user, text=text, source_name=name
                )
    context["form"] = form
    return render(request, "admin/catalog/import.html", context)


def _apply(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    draft = import_draft_get(user=request.user, sha256=request.POST.get("source_sha256", ""))
    if draft is None:
        context.update(form=ImportForm(), gone=DRAFT_GONE)
        return render(request, "admin/catalog/import.html", context, status=400)
    result = catalog_import(read_source(draft.text, source_name=draft.source_name))
    if result.errors:
        messages.error(request, "Nothing was imported: the source has errors.")
        context.update(form=ImportForm(), result=result, lines=format_result(result, dry_run=True))
        return render(request, "admin/catalog/import.html", context)
    import_draft_delete(draft=draft)
    counts = result.counts()
    messages.success(
        request,
        f"Imported {draft.source_name}: {counts['added']} added, {counts['changed']} changed, "
        f"{counts['removed']} removed.",
    )
    return redirect("admin:catalog_service_changelist")


def health_view(request: HttpRequest) -> HttpResponse:
    context = {
        **admin.site.each_context(request),
        "title": "Catalog health",
        "report": catalog_health(),
    }
    return render(request, "admin/catalog/health.html", context)
