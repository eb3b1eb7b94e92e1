from django.urls import path

from ideas import sales_views
from ideas.exports import accounts_export

app_name = "sales"

urlpatterns = [
    path("", sales_views.my_accounts, name="my_accounts"),
    path("record/", sales_views.quick_record, name="quick_record"),
    path("accounts/options/", sales_views.account_options, name="account_options"),
    path("accounts/export.csv", accounts_export, name="accounts_export"),
    path("accounts/<int:account_id>/", sales_views.account_detail, name="account"),
    path(
        "digest/unsubscribe/<str:token>/",
        sales_views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]
