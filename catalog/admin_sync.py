"""The admin's "Sync from Huawei": a dry run first, then Apply of exactly what was shown.

The dry run fetches each service's schema and keeps the answer as an `ImportDraft` (one per
service with changes); Apply posts their SHA-256s and imports those texts, each service in
its own transaction, so what is applied is what was reviewed, not a newer answer.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from catalog.management.commands.sync_catalog import service_lines
from catalog.selectors import import_draft_get
from catalog.services import import_draft_delete, import_draft_save
from catalog.sync import SyncReport, catalog_sync, service_import, sync_codes

DRAFT_PREFIX = "Huawei IAM schema "
MAX_SERVICES = 50  # one request of the admin; more with `manage.py sync_catalog --all`
GONE = (
    "This review is no longer on the server (it expired, or was applied already): run the "
    "dry run again."
)


class SyncForm(forms.Form):
    services = forms.CharField(
        label="Service codes",
        required=False,
        max_length=2000,
        help_text="Separated by spaces or commas, e.g. ecs evs vpc.",
    )
    every_service = forms.BooleanField(
        label="Every service IAM has a schema for",
        required=False,
        help_text=f"Up to {MAX_SERVICES} here; manage.py sync_catalog --all takes every one.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        written = (data.get("services") or "").strip()
        codes, bad = sync_codes(re.split(r"[\s,]+", written) if written else [])
        if bad:
            self.add_error("services", " ".join(bad))
        elif not codes and not data.get("every_service"):
            raise forms.ValidationError("Name the services to sync, or tick every service.")
        elif len(codes) > MAX_SERVICES:
            self.add_error("services", f"At most {MAX_SERVICES} services at a time here.")
        data["codes"] = codes
        return data


def sync_view(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("catalog.change_action"):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "Sync from Huawei"}
    if request.method == "POST" and "confirm" in request.POST:
        return _apply(request, context)
    form = SyncForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = catalog_sync(
            codes=form.cleaned_data["codes"],
            every_service=form.cleaned_data["every_service"],
            dry_run=True,
            limit=MAX_SERVICES,
        )
        context.update(_review(request, report))
    context["form"] = form
    return render(request, "admin/catalog/sync.html", context)


def _review(request: HttpRequest, report: SyncReport) -> dict[str, Any]:
    rows, drafts = [], []
    for step in report.services:
        changes = step.result.changes if step.result and step.ok else []
        rows.append({"step": step, "lines": service_lines(step, dry_run=True)})
        if changes:
            drafts.append(
                import_draft_save(
                    user=request.user, text=step.text, source_name=DRAFT_PREFIX + step.code
                )
            )
    return {"report": report, "rows": rows, "drafts": drafts}


def _apply(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    found = [import_draft_get(user=request.user, sha256=s) for s in request.POST.getlist("draft")]
    drafts = [d for d in found if d is not None and d.source_name.startswith(DRAFT_PREFIX)]
    if not drafts or len(drafts) != len(found):
        context.update(form=SyncForm(), gone=GONE)
        return render(request, "admin/catalog/sync.html", context, status=400)
    done, failed = [], []
    for draft in drafts:
        code = draft.source_name.removeprefix(DRAFT_PREFIX)
        step = service_import(code, draft.text, dry_run=False)
        if step.ok:
            done.append(code)
            import_draft_delete(draft=draft)
        else:
            failed.append(step.problem)
    if done:
        messages.success(request, f"Synced from Huawei: {', '.join(done)}.")
    for problem in failed:
        messages.error(request, problem)
    return redirect("admin:catalog_service_changelist")
