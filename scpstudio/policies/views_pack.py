"""The page `/policies/pack/`: choose saved SCPs and the node's free slots, see the fewest
documents they pack into (`packing.pack_policies`), and save them as new policies
(`packing.apply_pack`). The proposal's form sends back the versions it showed, so a policy
changed in between is refused (409), never packed unseen. `pack_flow` is also the
organization's page for one node (its free slots counted from what is attached there)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from scpstudio.policies import selectors
from scpstudio.policies.packing import (
    SCP_PROFILES,
    PackConflict,
    PackProposal,
    apply_pack,
    pack_policies,
)
from scpstudio.policies.rules import PolicyInputError

DEFAULT_FREE_SLOTS = "4"  # a node's 5 slots, one taken by FullAccess
DEFAULT_NAME = "Packed guardrails"
CHOICES_LIMIT = 500


def pack_form_page(
    request: HttpRequest,
    *,
    chosen: list[str],
    free_slots: str,
    proposal: PackProposal | None = None,
    problem: str = "",
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The pack page: the choices, the free slots, the proposal. `extra` is what another
    face adds (the organization's node: its name, its free slots fixed, its own URL)."""
    scps = selectors.policy_list(request.user).filter(profile__in=SCP_PROFILES)
    picked = {c.split("@", 1)[0] for c in chosen}
    choices = [
        {"id": str(p.pk), "name": p.name, "version": p.latest_version, "size": p.minified_size,
         "chosen": str(p.pk) in picked}
        for p in scps[:CHOICES_LIMIT]
    ]  # fmt: skip
    context = {
        "nav": "policies",
        "choices": choices,
        "free_slots": free_slots,
        "proposal": proposal,
        "problem": problem,
        "name": str(request.POST.get("name", DEFAULT_NAME))[:64],
        "pack_url": reverse("policies:pack"),
        **(extra or {}),
    }
    return render(request, "policies/pack.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pack_page(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    free_slots = str(data.get("free_slots", DEFAULT_FREE_SLOTS))[:10]
    return pack_flow(
        request,
        free_slots=free_slots,
        saved=lambda name: f"{reverse('policies:list')}?{urlencode({'q': name})}",
    )


def pack_flow(
    request: HttpRequest,
    *,
    free_slots: str,
    saved: Callable[[str], str],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Propose (GET) or save (POST) for the chosen policies; after a save, a redirect to
    `saved(name)`. The policies page and the organization's node page both use it."""
    data = request.POST if request.method == "POST" else request.GET
    chosen = [str(v)[:40] for v in data.getlist("policy")][:100]
    page = partial(pack_form_page, request, free_slots=free_slots, extra=extra)
    if not chosen:
        problem = "Choose at least one policy to pack." if request.method == "POST" else ""
        return page(chosen=[], problem=problem, status=400 if problem else 200)
    try:
        proposal = pack_policies(user=request.user, sources=chosen, free_slots=free_slots)
        if request.method != "POST":
            return page(chosen=chosen, proposal=proposal)
        name = str(request.POST.get("name", ""))
        apply_pack(user=request.user, proposal=proposal, name=name)
    except PackConflict as exc:
        return page(chosen=chosen, problem=exc.message, status=409)
    except PolicyInputError as exc:
        return page(chosen=chosen, problem=exc.message, status=400)
    return HttpResponseRedirect(saved(name.strip()))
