"""The admin's import from Huawei Organizations (issue 19, item 6): read Huawei live
through the SDK, show the dry run (added, changed, removed, what was left out), then apply
it on a second button. The apply reads Huawei again and is refused when the result differs
from the dry run shown (its digest is posted back), so what is applied is what was reviewed.

Reached from the organization's admin list (a button, and the action "Import the
organization from Huawei"); allowed to whoever may change the organization.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from scpstudio.org.import_plan import plan_lines
from scpstudio.org.import_source import read_huawei_live
from scpstudio.org.selectors import can_change_org
from scpstudio.org.services import organization_import
from scpstudio.refusals import Refusal

TEMPLATE = "admin/org/import.html"


def import_view(request: HttpRequest) -> HttpResponse:
    if not can_change_org(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {
        **admin.site.each_context(request),
        "title": "Import the organization from Huawei",
    }
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    apply = "apply" in request.POST
    try:
        plan = organization_import(
            user=request.user,
            wanted=read_huawei_live(),
            apply=apply,
            digest=str(request.POST.get("digest", ""))[:64] if apply else "",
        )
    except Refusal as exc:
        context["problem"] = exc.message
        return render(request, TEMPLATE, context, status=exc.status_code)
    if apply:
        messages.success(request, f"Imported. {plan.summary}")
        return redirect("admin:org_node_changelist")
    context.update(plan=plan, lines=plan_lines(plan, dry_run=True))
    return render(request, TEMPLATE, context)
