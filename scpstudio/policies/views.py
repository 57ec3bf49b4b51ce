"""The policy library's pages: the list, one policy with its versions and settings,
compare, delete, and the template gallery. Saving happens in the editor (editor:save).

Every page gets its policy through `selectors.policy_for`, as the API does: a policy the
person may not see answers 404, one they may only read refuses changes with a sentence.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.snapshot import catalog_snapshot
from scpstudio.engine.profiles import PROFILES
from scpstudio.policies import selectors, services
from scpstudio.policies.compare import compare as compare_versions
from scpstudio.policies.library_templates import policy_templates
from scpstudio.policies.models import Policy
from scpstudio.policies.request_context import read_panel
from scpstudio.policies.rules import PolicyInputError
from scpstudio.policies.usage import PolicyInUse, policy_uses
from scpstudio.policies.views_compare import PanelForm, render_comparison

SEVERITIES = [
    ("error", "Error"),
    ("security_warning", "Security warning"),
    ("warning", "Warning"),
    ("suggestion", "Suggestion"),
    (selectors.SEVERITY_NONE, "No findings"),
]
LIST_LIMIT = 500  # rows a list page shows; a search narrows it
VERSIONS_PER_PAGE = 50  # rows of the versions table on a policy's page
SORTS = [
    ("-updated", "Last changed first"),
    ("updated", "Last changed last"),
    ("name", "Name A–Z"),
    ("-name", "Name Z–A"),
]


def _profile_label(profile: str) -> str:
    found = PROFILES.get(profile)
    return found.label if found is not None else profile


def _open_url(policy: Policy) -> str:
    return f"{reverse('editor:editor')}?policy={policy.pk}"


@login_required
@require_safe
def policy_list(request: HttpRequest) -> HttpResponse:
    q = str(request.GET.get("q", ""))[:200].replace("\x00", "")  # no database stores NUL
    profile = str(request.GET.get("profile", ""))
    severity = str(request.GET.get("severity", ""))
    sort = str(request.GET.get("sort", selectors.DEFAULT_ORDER))
    problem = ""
    if profile and profile not in PROFILES:
        problem, profile = f"There is no profile “{profile[:40]}”; showing every profile.", ""
    if severity and severity not in {value for value, _ in SEVERITIES}:
        problem, severity = f"There is no severity “{severity[:40]}”; showing every one.", ""
    if sort not in selectors.ORDERINGS:
        sort = selectors.DEFAULT_ORDER
    filters = selectors.PolicyFilters(q=q, profile=profile, severity=severity, order=sort)
    rows = [
        {
            "name": p.name,
            "description": p.description,
            "profile_label": _profile_label(p.profile),
            "worst_severity": p.worst_severity,
            "version": p.latest_version,
            "updated_at": p.updated_at,
            "mine": p.is_owner,  # type: ignore[attr-defined]
            "owner": p.owner.get_username(),
            "access": "can edit" if p.can_edit else "read only",  # type: ignore[attr-defined]
            "open_url": _open_url(p),
            "detail_url": reverse("policies:detail", args=[p.pk]),
        }
        for p in selectors.policy_list(request.user, filters)[: LIST_LIMIT + 1]
    ]
    more = len(rows) > LIST_LIMIT
    rows = rows[:LIST_LIMIT]
    return render(
        request,
        "policies/list.html",
        {
            "nav": "policies",
            "rows": rows,
            "q": q,
            "profile": profile,
            "severity": severity,
            "sort": sort,
            "filtered": bool(q or profile or severity),
            "profiles": [(name, p.label) for name, p in PROFILES.items()],
            "severities": SEVERITIES,
            "sorts": SORTS,
            "problem": problem,
            "more": more,
            "limit": LIST_LIMIT,
        },
    )


def _detail(
    request: HttpRequest, policy: Policy, *, message: str = "", problem: str = "", status: int = 200
) -> HttpResponse:
    page = Paginator(selectors.version_list(policy), VERSIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    versions = [
        {
            "number": v.number,
            "created_at": v.created_at,
            "author_name": v.author_name,
            "message": v.message,
            "worst_severity": v.worst_severity,
            "size": v.size,
            "latest": v.number == policy.latest_version,
        }
        for v in page
    ]
    mine = bool(policy.is_owner)  # type: ignore[attr-defined]
    context = {
        "nav": "policies",
        "policy": policy,
        "versions": versions,
        "versions_page": page,
        "oldest_shown": versions[-1]["number"] if versions else None,
        "mine": mine,
        "can_edit": bool(policy.can_edit),  # type: ignore[attr-defined]
        "shares": list(selectors.policy_shares(policy)) if mine else [],
        "profile_label": _profile_label(policy.profile),
        "open_url": _open_url(policy),
        "message": message,
        "problem": problem,
        "form_name": request.POST.get("name", "") if problem else "",
        "form_description": request.POST.get("description", "") if problem else "",
        "uses": policy_uses(policy),
    }
    return render(request, "policies/detail.html", context, status=status)


_DONE = {
    "renamed": "Name and description saved.",
    "restored": "Restored: the old text is now the latest version.",
    "shared": "Sharing updated.",
    "duplicated": "This is the copy; the original is unchanged.",
}


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk)
    return _detail(request, policy, message=_DONE.get(str(request.GET.get("done", "")), ""))


def _back(policy: Policy, done: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse('policies:detail', args=[policy.pk])}?done={done}")


@login_required
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk)
    try:
        selectors.check_access(policy, edit=True)
        services.update_policy_details(
            user=request.user,
            policy=policy,
            name=request.POST.get("name", ""),
            description=request.POST.get("description", ""),
        )
    except PermissionDenied as exc:  # shared with them to read
        return _detail(request, policy, problem=_sentence(exc), status=403)
    except PolicyInputError as exc:
        return _detail(request, policy, problem=_sentence(exc), status=400)
    return _back(policy, "renamed")


@login_required
@require_POST
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk)
    try:
        copy = services.duplicate_policy(user=request.user, policy=policy)
    except PolicyInputError as exc:
        return _detail(request, policy, problem=_sentence(exc), status=400)
    return _back(copy, "duplicated")


@login_required
@require_POST
def restore(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk)
    try:
        selectors.check_access(policy, edit=True)
        services.restore_version(user=request.user, policy=policy, number=number)
    except (PolicyInputError, PermissionDenied) as exc:
        return _detail(request, policy, problem=_sentence(exc), status=403)
    except services.VersionConflict as exc:  # someone saved between the read and the write
        return _detail(request, policy, problem=exc.message, status=409)
    return _back(policy, "restored")


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk, own=True)
    username = str(request.POST.get("username", "")).strip()[:150]
    if "\x00" in username:
        return _detail(request, policy, problem="A username has no NUL character.", status=400)
    access = str(request.POST.get("access", "read"))
    try:
        if access == "none":
            services.unshare_policy(user=request.user, policy=policy, with_user=username)
        else:
            services.share_policy(
                user=request.user, policy=policy, with_user=username, can_edit=access == "edit"
            )
    except (PolicyInputError, Http404) as exc:
        return _detail(request, policy, problem=_sentence(exc), status=400)
    return _back(policy, "shared")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_for(request.user, pk, own=True)
    problem = ""
    if request.method == "POST":
        try:
            services.delete_policy(user=request.user, policy=policy)
        except PolicyInUse as exc:
            problem = exc.message
        else:
            return HttpResponseRedirect(reverse("policies:list"))
    return render(
        request,
        "policies/confirm_delete.html",
        {
            "nav": "policies",
            "policy": policy,
            "version_count": policy.latest_version,
            "share_count": selectors.policy_shares(policy).count(),
            "uses": policy_uses(policy),
            "problem": problem,
        },
        status=400 if problem else 200,
    )


@login_required
@require_safe
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions: `?from=N&to=M` (to defaults to the latest), over the requests matching
    the context the page's panel gives (`ctx_*` fields; none: every request)."""
    policy = selectors.policy_for(request.user, pk)
    asked = read_panel(request.GET, catalog_snapshot())
    try:
        found = compare_versions(
            policy,
            request.GET.get("from"),
            request.GET.get("to") or None,
            context=asked.context,
            full_access=asked.full_access,
        )
    except PolicyInputError as exc:
        return _detail(request, policy, problem=_sentence(exc), status=400)
    versions = {"from": found.from_number, "to": found.to_number}
    form = PanelForm(reverse("policies:compare", args=[policy.pk]), "get", versions)
    return render_comparison(request, policy, found, asked, form)


@require_safe
def templates(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "slug": t.slug,
            "title": t.title,
            "explanation": t.explanation,
            "profile_label": _profile_label(t.profile),
            "document": t.document,
        }
        for t in policy_templates()
    ]
    return render(request, "policies/templates.html", {"nav": "templates", "templates": rows})


def _sentence(exc: Exception) -> str:
    message = getattr(exc, "message", None)
    return str(message) if isinstance(message, str) and message else str(exc)
