from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from puente.accounts import views as account_views
from puente.core import downloads
from puente.core import views as core_views

urlpatterns = [
    # One sign-in for everyone (allauth's, with its second factor and throttling), the admin's included.
    path("admin/login/", account_views.admin_sign_in, name="admin_sign_in"),
    path("admin/password_reset/", account_views.admin_password_reset),
    path("admin/password_reset/<path:rest>", account_views.admin_password_reset),
    path("admin/", include(wagtailadmin_urls)),
    # Uploaded files, through the access check and as attachments (puente/core/downloads.py); Wagtail's URL shape.
    re_path(r"^documents/(\d+)/(.*)$", downloads.document, name="document"),
    path("documents/", include(wagtaildocs_urls)),
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("practices/", include("puente.practices.urls")),
    path("commitments/", include("puente.commitments.urls")),
    path("organisations/", include("puente.organizations.urls")),
    path("members/", include("puente.accounts.urls")),
    path("topics/", include("puente.taxonomy.urls")),
    path("projects/", include("puente.programmes.urls")),
    path("groups/", include("puente.groups.urls")),
    path("events/", include("puente.events.urls")),
    path("resources/", include("puente.resources.urls")),
    path("search/", include("puente.search.urls")),
    path("assessments/", include("puente.assessments.urls")),
    path("contribute/", include("puente.contributions.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
