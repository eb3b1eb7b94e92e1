from __future__ import annotations

from django.contrib import admin

from ideas.models import (
    Category,
    Comment,
    Decision,
    Idea,
    Merge,
    OutboundEmail,
    ProxyVote,
    ReplyTemplate,
    StatusChange,
    Theme,
    Vote,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name", "product", "slug"]
    list_filter = ["product"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin[Idea]):
    list_display = [
        "title", "product", "status", "category", "vote_count", "comment_count", "author",
        "author_account", "created_at",
    ]  # fmt: skip
    list_filter = ["product", "status", "category", "importance"]
    search_fields = ["title", "problem", "author__email", "author_email"]
    list_select_related = ["product", "category", "author", "author_account"]
    readonly_fields = ["vote_count", "comment_count", "trending_score", "created_at", "updated_at"]
    raw_id_fields = ["author", "author_account"]
    date_hierarchy = "created_at"


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin[Vote]):
    list_display = ["idea", "user", "created_at"]
    search_fields = ["idea__title", "user__email"]
    list_select_related = ["idea", "user"]
    raw_id_fields = ["idea", "user"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # votes change only through the vote services, which keep counts exact

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ["idea", "author", "is_internal", "created_at"]
    list_filter = ["is_internal"]
    search_fields = ["body", "idea__title", "author__email"]
    list_select_related = ["idea", "author"]
    raw_id_fields = ["idea", "author"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin[OutboundEmail]):
    list_display = ["to", "subject", "reason", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "reason"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]


@admin.register(ProxyVote)
class ProxyVoteAdmin(admin.ModelAdmin[ProxyVote]):
    list_display = [
        "idea",
        "account",
        "importance",
        "source",
        "opportunity_value",
        "recorded_by",
        "updated_at",
    ]
    list_filter = ["importance", "source"]
    search_fields = ["idea__title", "account__name", "note"]
    list_select_related = ["idea", "account", "recorded_by"]
    readonly_fields = [f.name for f in ProxyVote._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # recorded through the idea page, which keeps history and demand exact


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin[StatusChange]):
    list_display = ["idea", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = ["idea__title", "note"]
    list_select_related = ["idea", "by"]
    readonly_fields = ["idea", "from_status", "to_status", "by", "note", "at"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin[Decision]):
    list_display = ["idea", "kind", "decided_by", "decided_at", "revisit_on", "revisited_at"]
    list_filter = ["kind"]
    search_fields = ["idea__title", "reason"]
    list_select_related = ["idea", "decided_by"]
    readonly_fields = ["idea", "decided_by", "decided_at", "revisited_at"]


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin[ReplyTemplate]):
    list_display = ["name", "kind", "product"]
    list_filter = ["kind", "product"]
    search_fields = ["name", "reason"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin[Theme]):
    list_display = ["name", "product", "created_at"]
    list_filter = ["product"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin[Merge]):
    list_display = ["source", "target", "by", "at", "undone_at"]
    list_select_related = ["source", "target", "by"]
    readonly_fields = [f.name for f in Merge._meta.fields]
