from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from puente.core.views import page_number

from .models import Topic
from .records import fetch_records, topic_records_query


def topic_list(request):
    topics = Topic.objects.annotate(
        practice_count=Count("practices", distinct=True), commitment_count=Count("commitments", distinct=True)
    ).order_by("sort_order", "name_en")
    return render(request, "taxonomy/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = Paginator(topic_records_query(topic), 20).get_page(page_number(request))
    records = fetch_records(list(page.object_list))
    return render(request, "taxonomy/topic_detail.html", {"topic": topic, "page": page, "records": records})
