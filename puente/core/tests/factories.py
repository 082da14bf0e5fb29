"""Small ``make_*`` functions that build valid records for tests. Demo content is for demos, not tests."""

import datetime as dt
import itertools

from django.utils.text import slugify

from puente.commitments.models import Commitment, CommitmentPriority, CommitmentStatus
from puente.events.models import AgendaItem, Meeting
from puente.groups.models import WorkingGroup
from puente.organizations.models import Organisation, OrganisationType
from puente.practices.models import Practice
from puente.resources.models import Resource
from puente.taxonomy.models import Country, Topic, UNRegion

_counter = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def make_country(code="CR", name="Costa Rica", region=UNRegion.AMERICAS, **fields) -> Country:
    country, _ = Country.objects.get_or_create(
        code=code, defaults={"slug": code.lower(), "name_en": name, "region": region, **fields}
    )
    return country


def make_topic(name="Local Development", **fields) -> Topic:
    slug = fields.pop("slug", slugify(name))
    topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name_en": name, **fields})
    return topic


def make_organisation(
    name=None, kind=OrganisationType.LOCAL_GOVERNMENT, country=None, **fields
) -> Organisation:
    name = name or _unique("Municipality")
    return Organisation.objects.create(
        name=name, slug=fields.pop("slug", slugify(name)), kind=kind, country=country, **fields
    )


def _publish(obj, live: bool):
    obj.live = live
    obj.save()
    revision = obj.save_revision()
    if live:
        revision.publish()
    return obj


def make_practice(title=None, live=True, topics=(), **fields) -> Practice:
    title = title or _unique("Practice")
    fields.setdefault("summary", f"Summary of {title}.")
    practice = Practice(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    practice.save()
    practice.topics.set(topics)
    practice.save()
    return _publish(practice, live)


def make_commitment(
    title=None, local_government=None, live=True, priorities=(), topics=(), **fields
) -> Commitment:
    title = title or _unique("Commitment")
    local_government = local_government or make_organisation()
    fields.setdefault("summary", f"Summary of {title}.")
    fields.setdefault("status", CommitmentStatus.PUBLISHED if live else CommitmentStatus.DRAFT)
    commitment = Commitment(
        title=title, slug=fields.pop("slug", slugify(title)), local_government=local_government, **fields
    )
    commitment.save()
    for i, text in enumerate(priorities):
        CommitmentPriority.objects.create(commitment=commitment, text=text, sort_order=i)
    commitment.topics.set(topics)
    commitment.save()
    return _publish(commitment, live)


def make_resource(title=None, live=True, topics=(), **fields) -> Resource:
    title = title or _unique("Resource")
    fields.setdefault("summary", f"Summary of {title}.")
    resource = Resource(title=title, slug=fields.pop("slug", slugify(title)), **fields)
    resource.save()
    resource.topics.set(topics)
    resource.save()
    return _publish(resource, live)


def make_group(name=None, **fields) -> WorkingGroup:
    name = name or _unique("Working group")
    fields.setdefault("summary", f"About {name}.")
    return WorkingGroup.objects.create(name=name, slug=fields.pop("slug", slugify(name)), **fields)


def make_meeting(title=None, date=None, agenda=(), **fields) -> Meeting:
    title = title or _unique("Meeting")
    meeting = Meeting.objects.create(
        title=title,
        slug=fields.pop("slug", slugify(title)),
        date=date or dt.date.today() + dt.timedelta(days=30),
        start_time=fields.pop("start_time", dt.time(10, 0)),
        end_time=fields.pop("end_time", dt.time(11, 30)),
        time_zone=fields.pop("time_zone", "America/Guatemala"),
        **fields,
    )
    for i, (start, end, item_title, minutes) in enumerate(agenda):
        AgendaItem.objects.create(
            meeting=meeting,
            sort_order=i,
            start_time=start,
            end_time=end,
            title=item_title,
            duration_minutes=minutes,
        )
    return meeting


def make_user(username=None, verified_email=False, **fields):
    """A user; ``verified_email`` adds the verified allauth address needed to sign in through the form."""
    from django.contrib.auth import get_user_model

    username = username or _unique("user")
    fields.setdefault("email", f"{username}@example.org")
    user = get_user_model().objects.create_user(username, password=fields.pop("password", "pw"), **fields)
    if verified_email:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_document(title=None, content=b"%PDF-1.4 test\n", name="document.pdf"):
    """A Wagtail document with a small in-memory file."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(
        title=title or _unique("Document"), file=ContentFile(content, name=name)
    )
