"""API views of ideas. Each fetches through the access functions the pages use and
writes through the same services, so a client can do exactly what its user can on the web."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ideas import selectors, services, spam
from ideas.access import get_idea_for_user
from ideas.api.serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    DecisionSerializer,
    DeclineSerializer,
    IdeaCreateSerializer,
    IdeaDetailSerializer,
    IdeaListQuery,
    IdeaPageSerializer,
    IdeaSummarySerializer,
    ProxyVoteCreateSerializer,
    ProxyVoteSerializer,
    StatusResultSerializer,
    StatusSerializer,
    VoteSerializer,
    VoteStateSerializer,
)
from ideas.models import Category, Comment, Idea, ProxyVote, Status
from portal.access import (
    AnyUser,
    get_product_for_user,
    is_product_pm,
    require_team_member,
)
from portal.api.base import service_errors, signed_in_user
from portal.api.pagination import Cursor
from portal.models import Account, AccountDomain, User


def _too_many(message: str) -> Response:
    return Response({"detail": message}, status=status.HTTP_429_TOO_MANY_REQUESTS)


def idea_detail_response(request: Request, idea: Idea, code: int = 200) -> Response:
    user = request.user
    is_team = isinstance(user, User) and user.is_team_member
    context = {
        "voted": selectors.user_vote(idea=idea, user=user) is not None,
        "decision": selectors.current_decision(idea=idea),
        "is_team": is_team,
    }
    return Response(IdeaDetailSerializer(idea, context=context).data, status=code)


def _idea_for_pm(user: AnyUser, product_slug: str, idea_id: int) -> Idea:
    """An idea of a product the user manages; 404 otherwise, as the PM pages answer."""
    idea = get_idea_for_user(user, product_slug, idea_id)
    if not is_product_pm(user, idea.product):
        raise Http404("No such idea")
    return idea


TOO_MANY_IDEAS = (
    f"You have submitted {spam.IDEAS_PER_HOUR} ideas in the last hour. "
    "Please wait a little and submit again."
)
TOO_MANY_COMMENTS = (
    f"You have posted {spam.COMMENTS_PER_HOUR} comments in the last hour. "
    "Please wait a little and post again."
)


class IdeaList(APIView):
    """A product's ideas, with the portal's sorts, filters and search, and submitting one."""

    @extend_schema(
        operation_id="products_ideas_list", parameters=[IdeaListQuery], responses=IdeaPageSerializer
    )
    def get(self, request: Request, product_slug: str) -> Response:
        product = get_product_for_user(request.user, product_slug)
        query = IdeaListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        filters = selectors.IdeaFilters(
            sort=selectors.Sort(params["sort"]),
            status=params.get("status", ""),
            category=params.get("category", ""),
            q=params.get("q", "").strip(),
            after=params.get("cursor", ""),
        )
        page = selectors.idea_page(product=product, user=request.user, filters=filters)
        next_url = None
        if page.next_cursor:
            kept = {k: v for k, v in request.query_params.items() if k != "cursor"}
            next_url = request.build_absolute_uri(
                f"{request.path}?{urlencode({**kept, 'cursor': page.next_cursor})}"
            )
        context = {"voted_ids": page.voted_ids, "product_slug": product.slug}
        return Response(
            {
                "next": next_url,
                "results": IdeaSummarySerializer(
                    page.ideas,  # type: ignore[arg-type]
                    many=True,
                    context=context,
                ).data,
            }
        )

    @extend_schema(
        request=IdeaCreateSerializer,
        responses={
            201: IdeaDetailSerializer,
            429: OpenApiResponse(description="Too many ideas from you in the last hour."),
        },
    )
    def post(self, request: Request, product_slug: str) -> Response:
        user = signed_in_user(request)
        product = get_product_for_user(user, product_slug)
        serializer = IdeaCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        category = None
        if data.get("category"):
            category = Category.objects.filter(product=product, slug=data["category"]).first()
            if category is None:
                raise exceptions.ValidationError({"category": "No such category in this product."})
        if spam.over_limit(kind="idea", who=user.email, limit=spam.IDEAS_PER_HOUR):
            return _too_many(TOO_MANY_IDEAS)
        result = services.idea_submit(
            product=product,
            author=user,
            title=data["title"],
            problem=data["problem"],
            importance=data["importance"],
            workaround=data["workaround"],
            category=category,
        )
        idea = get_idea_for_user(user, product.slug, result.idea.pk)
        return idea_detail_response(request, idea, code=status.HTTP_201_CREATED)


class IdeaDetail(APIView):
    """One idea: its text, status and decision, votes, and (for the team) its demand."""

    @extend_schema(responses=IdeaDetailSerializer)
    def get(self, request: Request, product_slug: str, idea_id: int) -> Response:
        idea = get_idea_for_user(request.user, product_slug, idea_id)
        return idea_detail_response(request, idea)


class IdeaVote(APIView):
    """Your vote: POST casts it (or changes its importance), DELETE withdraws it."""

    def _state(self, idea: Idea, voted: bool) -> Response:
        idea.refresh_from_db(fields=["vote_count"])
        return Response(VoteStateSerializer({"voted": voted, "vote_count": idea.vote_count}).data)

    @extend_schema(request=VoteSerializer, responses=VoteStateSerializer)
    def post(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = signed_in_user(request)
        idea = get_idea_for_user(user, product_slug, idea_id)
        serializer = VoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if idea.status == Status.MERGED and idea.merged_into_id:
            raise exceptions.ValidationError(
                {
                    "non_field_errors": [
                        f"This idea was merged into #{idea.merged_into_id}: vote there."
                    ]
                }
            )
        with service_errors("importance"):
            services.vote_cast(
                idea=idea, user=user, importance=serializer.validated_data["importance"]
            )
        return self._state(idea, True)

    @extend_schema(request=None, responses=VoteStateSerializer)
    def delete(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = signed_in_user(request)
        idea = get_idea_for_user(user, product_slug, idea_id)
        services.vote_withdraw(idea=idea, user=user)
        return self._state(idea, False)


class CommentCursor(Cursor):
    ordering = ("created_at", "id")


class IdeaComments(generics.ListAPIView[Comment]):
    """The conversation on an idea; internal comments only for the team."""

    serializer_class = CommentSerializer
    pagination_class = CommentCursor

    def get_queryset(self) -> QuerySet[Comment]:
        idea = get_idea_for_user(self.request.user, **self.kwargs)
        return selectors.visible_comments(idea=idea, user=self.request.user)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={
            201: CommentSerializer,
            429: OpenApiResponse(description="Too many comments from you in the last hour."),
        },
    )
    def post(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = signed_in_user(request)
        idea = get_idea_for_user(user, product_slug, idea_id)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        internal = serializer.validated_data["is_internal"]
        if internal and not is_product_pm(user, idea.product):
            raise exceptions.ValidationError(
                {"is_internal": ["Only the product's PMs write internal comments."]}
            )
        if spam.over_limit(kind="comment", who=user.email, limit=spam.COMMENTS_PER_HOUR):
            return _too_many(TOO_MANY_COMMENTS)
        with service_errors("is_internal"):
            comment = services.comment_add(
                idea=idea, author=user, body=serializer.validated_data["body"], is_internal=internal
            )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class ProxyVoteCursor(Cursor):
    ordering = "-updated_at"


def _account(data: dict[str, Any]) -> Account:
    if data.get("account"):
        account = Account.objects.filter(pk=data["account"]).first()
    else:
        domain = str(data["account_domain"]).strip().lstrip("@").lower()
        match = AccountDomain.objects.select_related("account").filter(domain=domain).first()
        account = match.account if match else None
    if account is None:
        field = "account" if data.get("account") else "account_domain"
        raise exceptions.ValidationError({field: ["No such account."]})
    return account


class IdeaProxyVotes(generics.ListAPIView[ProxyVote]):
    """What accounts asked for this idea, as sales and support recorded it (the team only)."""

    serializer_class = ProxyVoteSerializer
    pagination_class = ProxyVoteCursor

    def get_queryset(self) -> QuerySet[ProxyVote]:
        user = require_team_member(self.request.user)
        idea = get_idea_for_user(user, **self.kwargs)
        return selectors.idea_proxy_votes(idea=idea)

    @extend_schema(
        request=ProxyVoteCreateSerializer,
        responses={201: ProxyVoteSerializer, 200: ProxyVoteSerializer},
    )
    def post(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = require_team_member(signed_in_user(request))
        idea = get_idea_for_user(user, product_slug, idea_id)
        serializer = ProxyVoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = _account(data)
        contact = None
        if data["contact_email"]:
            contact = User.objects.filter(email__iexact=data["contact_email"]).first()
            if contact is not None and contact.account_id != account.pk:
                raise exceptions.ValidationError(
                    {"contact_email": [f"{data['contact_email']} is not a user of {account.name}."]}
                )
        existed = ProxyVote.objects.filter(idea=idea, account=account).exists()
        with service_errors():
            proxy = services.proxy_vote_record(
                idea=idea,
                account=account,
                recorded_by=user,
                importance=data["importance"],
                source=data["source"],
                note=data["note"],
                opportunity_value=data["opportunity_value"],
                expected_close_date=data["expected_close_date"],
                contact=contact,
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
            )
        proxy.account = account
        return Response(
            ProxyVoteSerializer(proxy).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )


class ProxyVoteWithdraw(APIView):
    """Withdraw a proxy vote: the team, or the customer it names as contact."""

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, product_slug: str, idea_id: int, proxy_id: int) -> Response:
        user = signed_in_user(request)
        idea = get_idea_for_user(user, product_slug, idea_id)
        proxy = ProxyVote.objects.filter(pk=proxy_id, idea=idea).first()
        if proxy is None or not (user.is_team_member or proxy.contact_id == user.pk):
            raise Http404("No such proxy vote")
        services.proxy_vote_withdraw(proxy_vote=proxy, by=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaStatus(APIView):
    """Move an idea through the workflow (the product's PMs), telling everyone who asked."""

    @extend_schema(request=StatusSerializer, responses=StatusResultSerializer)
    def post(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = signed_in_user(request)
        idea = _idea_for_pm(user, product_slug, idea_id)
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors("status"):
            change = services.idea_set_status(
                idea=idea,
                status=serializer.validated_data["status"],
                by=user,
                note=serializer.validated_data["note"],
            )
        return Response({"status": idea.status, "changed": change is not None})


class IdeaDecline(APIView):
    """Decline with a decision record (the product's PMs): the reason and any workaround
    are emailed to everyone who asked."""

    @extend_schema(request=DeclineSerializer, responses={201: DecisionSerializer})
    def post(self, request: Request, product_slug: str, idea_id: int) -> Response:
        user = signed_in_user(request)
        idea = _idea_for_pm(user, product_slug, idea_id)
        serializer = DeclineSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            decision = services.idea_decline(idea=idea, by=user, **serializer.validated_data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)
