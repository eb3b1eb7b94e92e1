"""Writes for users and accounts."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from portal.models import Account, AccountDomain, User, email_domain
from portal.signals import accounts_changed


def account_for_email(email: str) -> Account | None:
    domain = email_domain(email)
    if not domain:
        return None
    match = AccountDomain.objects.select_related("account").filter(domain=domain).first()
    return match.account if match else None


def user_link_account(*, user: User) -> User:
    """Attach the user to the account that owns their email domain (or to none)."""
    account = account_for_email(user.email)
    if user.account_id != (account.pk if account else None):
        user.account = account
        user.save(update_fields=["account"])
    return user


def account_changed(*, account: Account, user_ids: Iterable[int] = ()) -> None:
    """Tell listeners (demand, scores) that an account's ARR or users changed."""
    accounts_changed.send(sender=Account, account_ids=[account.pk], user_ids=list(user_ids))


@transaction.atomic
def account_set_domains(*, account: Account, domains: Iterable[str]) -> Account:
    """Replace the account's email domains and re-link the users they cover."""
    wanted = sorted({d.strip().lstrip("@").lower() for d in domains if d.strip()})
    taken = AccountDomain.objects.filter(domain__in=wanted).exclude(account=account)
    if taken.exists():
        names = ", ".join(f"{d.domain} ({d.account})" for d in taken.select_related("account"))
        raise ValidationError(f"These domains already belong to another account: {names}")
    AccountDomain.objects.filter(account=account).exclude(domain__in=wanted).delete()
    existing = set(AccountDomain.objects.filter(account=account).values_list("domain", flat=True))
    AccountDomain.objects.bulk_create(
        AccountDomain(account=account, domain=d) for d in wanted if d not in existing
    )
    before = set(User.objects.filter(account=account).values_list("pk", flat=True))
    User.objects.filter(account=account).update(account=None)
    for domain in wanted:
        User.objects.filter(email__iendswith=f"@{domain}").update(account=account)
    after = set(User.objects.filter(account=account).values_list("pk", flat=True))
    account_changed(account=account, user_ids=before ^ after)
    return account
