"""The "Your account" page: who you are signed in as, and your API tokens (made here, the
key shown once; revoked here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from scpstudio.accounts import selectors, services
from scpstudio.accounts.models import ApiToken
from scpstudio.accounts.services import TOKEN_NAME_MAX, AccountInputError

_DONE = {"revoked": "The token was revoked: scripts using it are refused from now on."}


def _page(
    request: HttpRequest,
    *,
    message: str = "",
    problem: str = "",
    new_token: ApiToken | None = None,
    new_key: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "nav": "account",
        "tokens": list(selectors.token_list(request.user)),
        "token_name_max": TOKEN_NAME_MAX,
        "message": message,
        "problem": problem,
        "form_name": request.POST.get("name", "")[:200] if problem else "",
        "new_token": new_token,
        "new_key": new_key,
    }
    return render(request, "accounts/account.html", context, status=status)


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    return _page(request, message=_DONE.get(str(request.GET.get("done", "")), ""))


@never_cache  # the answer holds the key, once
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        token, key = services.token_create(user=request.user, name=request.POST.get("name", ""))
    except AccountInputError as exc:
        return _page(request, problem=exc.message, status=400)
    return _page(request, new_token=token, new_key=key)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.token_revoke(user=request.user, token_id=pk)
    except AccountInputError as exc:
        return _page(request, problem=exc.message, status=404)
    return HttpResponseRedirect(f"{reverse('account')}?done=revoked")
