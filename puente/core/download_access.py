"""Who may download an uploaded file: whoever may see a record that uses it, with the record's own rule.

A Wagtail document belongs to the records that reference it (a resource's document, a practice's attachment,
a working group's or a meeting's documents, a link in any rich text), as Wagtail's reference index records
them. Visitors get it when one of those records is visible to them; a document no visible record uses answers
404. The secretariat, whoever may manage the document in the admin, and its uploader always get it.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from .access import can_edit_contribution, can_see_group_documents, is_focal_point, is_secretariat


def may_download(user, document) -> bool:
    if is_secretariat(user):
        return True
    if user.is_authenticated and document.uploaded_by_user_id == user.pk:
        return True
    if user.is_authenticated:
        from wagtail.documents.permissions import permission_policy

        if permission_policy.user_has_any_permission_for_instance(user, ["change", "choose"], document):
            return True
    return any(may_see(user, record) for record in records_using(document))


def records_using(document):
    """The records that reference ``document``: one query for the references, one per kind of record."""
    from wagtail.models import ReferenceIndex

    ids_by_type = defaultdict(set)
    for content_type_id, object_id in ReferenceIndex.get_references_to(document).values_list(
        "content_type_id", "object_id"
    ):
        ids_by_type[content_type_id].add(object_id)
    for content_type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is not None:
            yield from model._default_manager.filter(pk__in=ids)


def may_see(user, record) -> bool:
    """Whether ``user`` may see ``record`` where it uses a document (the record's page shows it)."""
    from wagtail.models import Page

    from puente.commitments.models import Commitment
    from puente.commitments.services import can_view as can_view_commitment
    from puente.events.models import Meeting
    from puente.groups.models import WorkingGroup
    from puente.organizations.models import Organisation
    from puente.programmes.models import Project

    from .models import ModeratedRecord

    if isinstance(record, Page):
        # Soft-deleted articles keep ``live`` until purged; pages behind a login or password: staff only.
        return (
            record.live
            and getattr(record, "deleted_at", None) is None
            and not record.get_view_restrictions().exists()
        )
    if isinstance(record, WorkingGroup):
        return can_see_group_documents(user, record)
    if isinstance(record, Commitment):
        return record.deleted_at is None and can_view_commitment(user, record)
    if isinstance(
        record, ModeratedRecord
    ):  # practices, resources, meetings: as ``access.get_visible_or_404``
        visible = record.is_published or (record.deleted_at is None and can_edit_contribution(user, record))
        if isinstance(record, Meeting):
            return visible and can_see_group_documents(user, record.group)
        return visible
    if isinstance(record, Organisation):
        return record.is_verified
    # Projects are public; anything else (assessments, contributions, reports to moderators...) never is.
    return isinstance(record, Project)


def may_see_evidence(user, report) -> bool:
    """A progress report's evidence: everyone once the report is approved on a published commitment; before,
    the local government's focal points and the secretariat (as on the commitment's page)."""
    from puente.commitments.models import ReportStatus

    commitment = report.commitment
    if report.status == ReportStatus.APPROVED and commitment.is_published:
        return True
    return is_secretariat(user) or is_focal_point(user, commitment.local_government)
