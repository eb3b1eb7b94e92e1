"""Portal pages: the idea list, submitting, the idea page, votes, follows and comments."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ideas import selectors, services, spam
from ideas.access import get_idea_for_user
from ideas.forms import CommentForm, IdeaForm, ProxyVoteForm, VoteImportanceForm
from ideas.models import Idea, Importance, ProxyVote, Status
from portal.access import get_product_for_user, is_product_pm, require_team_member
from portal.models import Account, User


def _login_required_response(request: HttpRequest, next_url: str) -> HttpResponse:
    """Send an anonymous visitor to sign in, also from an htmx request."""
    if request.htmx:  # type: ignore[attr-defined]
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"{reverse('account_login')}?{urlencode({'next': next_url})}"
        return response
    return redirect_to_login(next_url)


def _safe_next(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


STATUS_LABELS = dict(Status.choices)

# An id no idea has, reversed in place of each idea's: one reversal per page and link kind
# instead of one per idea and link (the reversals were a fifth of the list's rendering).
_ANY_IDEA = 2_147_483_647


def _idea_url_pattern(name: str, product_slug: str) -> str:
    """The URL named ``name`` of the product's ideas, with "{}" where the id goes."""
    return reverse(name, args=[product_slug, _ANY_IDEA]).replace(str(_ANY_IDEA), "{}")


@require_GET
def idea_list(request: HttpRequest, product_slug: str) -> HttpResponse:
    product = get_product_for_user(request.user, product_slug)
    sort_raw = request.GET.get("sort", "")
    sort = selectors.Sort(sort_raw) if sort_raw in selectors.Sort else selectors.Sort.TOP
    filters = selectors.IdeaFilters(
        sort=sort,
        status=request.GET.get("status", "")[:32],
        category=request.GET.get("category", "")[:80],
        q=request.GET.get("q", "")[:200].strip(),
        after=request.GET.get("after", "")[:100],
    )
    page = selectors.idea_page(product=product, user=request.user, filters=filters)
    base_query = {
        k: v
        for k, v in {
            "sort": filters.sort.value,
            "status": filters.status,
            "category": filters.category,
            "q": filters.q,
        }.items()
        if v
    }
    next_url = (
        "?" + urlencode({**base_query, "after": page.next_cursor}) if page.next_cursor else ""
    )
    detail_url = _idea_url_pattern("ideas:detail", product.slug)
    vote_url = _idea_url_pattern("ideas:vote", product.slug)
    return render(
        request,
        "ideas/idea_list.html",
        {
            "product": product,
            "page": page,
            "rows": [
                (
                    idea,
                    detail_url.format(idea.pk),
                    vote_url.format(idea.pk),
                    idea.pk in page.voted_ids,
                    STATUS_LABELS[idea.status],
                )
                for idea in page.ideas
            ],
            "filters": filters,
            "sorts": [(s.value, s.value.capitalize()) for s in selectors.Sort],
            "statuses": [(s.value, s.label) for s in Status if s is not Status.MERGED],
            "next_url": next_url,
            "first_url": "?" + urlencode(base_query) if filters.after else "",
            "can_manage": is_product_pm(request.user, product),
        },
    )


@require_http_methods(["GET", "POST"])
def idea_new(request: HttpRequest, product_slug: str) -> HttpResponse:
    product = get_product_for_user(request.user, product_slug)
    user = request.user if isinstance(request.user, User) else None
    if user is None and not product.allow_anonymous_ideas:
        return _login_required_response(request, request.get_full_path())
    # Sales starting an idea for an account after a call: it is recorded for them next.
    for_account = ""
    if user is not None and user.is_team_member and request.GET.get("account", "").isdigit():
        for_account = request.GET["account"]
    form = IdeaForm(
        request.POST or None,
        product=product,
        anonymous=user is None,
        initial={"title": request.GET.get("title", "")[:140]},
    )
    similar: list[Idea] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        if spam.is_bot(request.POST):
            # Look like success to the bot; keep nothing.
            messages.success(request, "Thanks! We will look at your idea.")
            return redirect("ideas:list", product_slug=product.slug)
        submitter = user.email if user else form.cleaned_data["email"]
        if spam.over_limit(kind="idea", who=submitter, limit=spam.IDEAS_PER_HOUR):
            form.add_error(
                None,
                f"You have submitted {spam.IDEAS_PER_HOUR} ideas in the last hour. Please wait "
                "a little and submit again: everything you typed is still here.",
            )
            status = 429
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.idea_submit(
            product=product,
            author=user,
            title=data["title"],
            problem=data["problem"],
            importance=data["importance"],
            workaround=data["workaround"],
            category=data["category"],
            author_email=data.get("email", ""),
        )
        if result.needs_confirmation:
            return render(
                request,
                "ideas/idea_check_email.html",
                {"product": product, "email": result.idea.author_email},
            )
        if for_account:
            messages.success(request, "Idea posted. Now record what the account needs.")
            proxy_url = reverse("ideas:proxy_vote", args=[product.slug, result.idea.pk])
            return redirect(f"{proxy_url}?account={for_account}")
        messages.success(request, "Thanks! Your idea is posted, and you are its first vote.")
        return redirect("ideas:detail", product_slug=product.slug, idea_id=result.idea.pk)
    if request.method == "POST":
        similar = selectors.similar_ideas(product=product, text=request.POST.get("title", ""))
    return render(
        request,
        "ideas/idea_form.html",
        {
            "product": product,
            "form": form,
            "similar": similar,
            "voted_ids": selectors.voted_idea_ids(
                user=request.user, idea_ids=[i.pk for i in similar]
            ),
        },
        status=status,
    )


@require_GET
def idea_similar(request: HttpRequest, product_slug: str) -> HttpResponse:
    """Ideas like the title being typed (htmx partial of the submit page)."""
    product = get_product_for_user(request.user, product_slug)
    text = request.GET.get("title", "")[:200]
    similar = selectors.similar_ideas(product=product, text=text)
    return render(
        request,
        "ideas/idea_form.html#similar",
        {
            "product": product,
            "similar": similar,
            "voted_ids": selectors.voted_idea_ids(
                user=request.user, idea_ids=[i.pk for i in similar]
            ),
        },
    )


@require_GET
def idea_confirm(request: HttpRequest, product_slug: str, token: str) -> HttpResponse:
    product = get_product_for_user(request.user, product_slug)
    try:
        idea = services.idea_confirm(token=token)
    except signing.SignatureExpired:
        return render(
            request,
            "ideas/idea_confirm_failed.html",
            {"product": product, "expired": True},
            status=400,
        )
    except (signing.BadSignature, Idea.DoesNotExist, KeyError, TypeError):
        return render(
            request,
            "ideas/idea_confirm_failed.html",
            {"product": product, "expired": False},
            status=400,
        )
    if idea.product_id != product.pk:
        return redirect("ideas:list", product_slug=product.slug)
    messages.success(request, "Thanks for confirming! Your idea is now on the portal.")
    return redirect("ideas:detail", product_slug=product.slug, idea_id=idea.pk)


def _detail_context(
    request: HttpRequest, idea: Idea, comment_form: CommentForm
) -> dict[str, object]:
    user = request.user if isinstance(request.user, User) else None
    vote = selectors.user_vote(idea=idea, user=request.user)
    is_team = bool(user and user.is_team_member)
    return {
        "product": idea.product,
        "idea": idea,
        "comments": selectors.idea_comments(idea=idea, user=request.user),
        "voted": vote is not None,
        "vote_importance_form": VoteImportanceForm(
            initial={"importance": vote.importance if vote else ""}
        ),
        "following": bool(user and idea.follows.filter(user=user).exists()),
        "comment_form": comment_form,
        "importance_label": Importance(idea.importance).label,
        "demand": selectors.idea_demand(idea=idea) if is_team else None,
        "is_team": is_team,
        "can_manage": is_product_pm(request.user, idea.product),
        "decision": selectors.current_decision(idea=idea),
        "timeline": selectors.idea_timeline(idea=idea),
        "merged_here": selectors.merges_into(idea=idea),
    }


@require_GET
def idea_detail(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    idea = get_idea_for_user(request.user, product_slug, idea_id)
    if idea.merged_into is not None and "merged" not in request.GET:
        messages.info(
            request,
            f"“{idea.title}” was merged into this idea: its votes and followers are here now.",
        )
        return redirect("ideas:detail", product_slug=product_slug, idea_id=idea.merged_into.pk)
    return render(request, "ideas/idea_detail.html", _detail_context(request, idea, CommentForm()))


@require_POST
def idea_vote(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    idea = get_idea_for_user(request.user, product_slug, idea_id, related=False)
    detail_url = reverse("ideas:detail", args=[idea.product.slug, idea.pk])
    if not isinstance(request.user, User):
        return _login_required_response(request, _safe_next(request, detail_url))
    if request.POST.get("action") == "unvote":
        services.vote_withdraw(idea=idea, user=request.user)
        voted = False
    else:
        form = VoteImportanceForm(request.POST)
        importance = form.cleaned_data["importance"] if form.is_valid() else ""
        services.vote_cast(idea=idea, user=request.user, importance=importance)
        voted = True
        if importance:
            messages.success(request, "Thanks, we noted how important this is to you.")
    if request.htmx:  # type: ignore[attr-defined]
        # The services left the new count on ``idea``, read under the idea's row lock.
        return render(
            request,
            "components/vote_button.html",
            {"idea": idea, "product": idea.product, "voted": voted, "next": detail_url},
        )
    return redirect(_safe_next(request, detail_url))


@require_POST
def idea_follow(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    idea = get_idea_for_user(request.user, product_slug, idea_id)
    detail_url = reverse("ideas:detail", args=[idea.product.slug, idea.pk])
    if not isinstance(request.user, User):
        return _login_required_response(request, detail_url)
    following = services.follow_set(
        idea=idea, user=request.user, following=request.POST.get("action") != "unfollow"
    )
    messages.success(
        request,
        "You will get an email when this idea changes."
        if following
        else "You no longer follow this idea.",
    )
    return redirect(_safe_next(request, detail_url))


@require_POST
def idea_comment(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    idea = get_idea_for_user(request.user, product_slug, idea_id)
    detail_url = reverse("ideas:detail", args=[idea.product.slug, idea.pk])
    if not isinstance(request.user, User):
        return _login_required_response(request, detail_url)
    form = CommentForm(request.POST)
    if form.is_valid() and spam.is_bot(request.POST):
        return redirect(detail_url)
    if form.is_valid() and spam.over_limit(
        kind="comment", who=request.user.email, limit=spam.COMMENTS_PER_HOUR
    ):
        form.add_error(
            "body",
            f"You have posted {spam.COMMENTS_PER_HOUR} comments in the last hour. Please wait "
            "a little and post again: your comment is still here.",
        )
        return render(
            request, "ideas/idea_detail.html", _detail_context(request, idea, form), status=429
        )
    if not form.is_valid():
        return render(
            request, "ideas/idea_detail.html", _detail_context(request, idea, form), status=400
        )
    comment = services.comment_add(idea=idea, author=request.user, body=form.cleaned_data["body"])
    return redirect(f"{detail_url}#comment-{comment.pk}")


@require_http_methods(["GET", "POST"])
def idea_proxy_vote(request: HttpRequest, product_slug: str, idea_id: int) -> HttpResponse:
    """Sales and support record that an account wants this idea."""
    user = require_team_member(request.user)
    idea = get_idea_for_user(user, product_slug, idea_id)
    initial: dict[str, object] = {}
    if account_id := request.GET.get("account", ""):
        account = Account.objects.filter(pk=account_id).first() if account_id.isdigit() else None
        if account is not None:
            initial["account"] = account.name
            existing = ProxyVote.objects.filter(idea=idea, account=account).first()
            if existing is not None:
                initial |= {
                    "importance": existing.importance,
                    "source": existing.source,
                    "note": existing.note,
                    "opportunity_value": existing.opportunity_value,
                    "expected_close_date": existing.expected_close_date,
                    "contact_name": existing.contact_name,
                    "contact_email": existing.contact_email,
                }
    form = ProxyVoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proxy = services.proxy_vote_record(
            idea=idea,
            account=data["account"],
            recorded_by=user,
            importance=data["importance"],
            source=data["source"],
            note=data["note"],
            opportunity_value=data["opportunity_value"],
            expected_close_date=data["expected_close_date"],
            contact=data["contact"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
        )
        messages.success(request, f"Recorded: {proxy.account.name} wants this idea.")
        return redirect("ideas:detail", product_slug=idea.product.slug, idea_id=idea.pk)
    return render(
        request,
        "ideas/proxy_vote_form.html",
        {"product": idea.product, "idea": idea, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def proxy_vote_withdraw(
    request: HttpRequest, product_slug: str, idea_id: int, proxy_id: int
) -> HttpResponse:
    """The team, or the customer named as contact, withdraws a proxy vote."""
    idea = get_idea_for_user(request.user, product_slug, idea_id)
    if not isinstance(request.user, User):
        return _login_required_response(request, request.get_full_path())
    proxy = ProxyVote.objects.filter(pk=proxy_id, idea=idea).select_related("account").first()
    if proxy is None or not (request.user.is_team_member or proxy.contact_id == request.user.pk):
        raise Http404("No such proxy vote")
    services.proxy_vote_withdraw(proxy_vote=proxy, by=request.user)
    messages.success(request, f"Withdrawn: {proxy.account.name} no longer counts as asking.")
    return redirect(_safe_next(request, reverse("ideas:detail", args=[idea.product.slug, idea.pk])))


@require_GET
def my_votes(request: HttpRequest, product_slug: str) -> HttpResponse:
    """The ideas a customer voted for, and those sales recorded with them as the contact."""
    product = get_product_for_user(request.user, product_slug)
    if not isinstance(request.user, User):
        return _login_required_response(request, request.get_full_path())
    votes, proxies = selectors.votes_of_user(product=product, user=request.user)
    return render(
        request,
        "ideas/my_votes.html",
        {"product": product, "votes": votes, "proxies": proxies},
    )


@csrf_exempt  # the signed token is the permission; mail clients post here in one click
@require_http_methods(["GET", "POST"])
def idea_unsubscribe(request: HttpRequest, product_slug: str, token: str) -> HttpResponse:
    """The link in every email about an idea: stop emails about it to that address."""
    product = get_product_for_user(request.user, product_slug)
    try:
        data = signing.loads(token, salt=services.UNSUBSCRIBE_SALT)
        idea = Idea.objects.filter(pk=data["idea"], product=product).first()
    except (signing.BadSignature, KeyError, TypeError):
        idea = None
    if idea is None:
        return render(
            request, "ideas/idea_unsubscribe.html", {"product": product, "bad": True}, status=400
        )
    done = False
    if request.method == "POST":
        services.idea_unsubscribe(token=token)
        done = True
    return render(
        request,
        "ideas/idea_unsubscribe.html",
        {"product": product, "idea": idea, "email": data["email"], "done": done, "bad": False},
    )
