from django.conf import settings


def site(request):
    """Values every template needs: the site name and the language switcher links."""
    return {"SITE_NAME": settings.WAGTAIL_SITE_NAME}
