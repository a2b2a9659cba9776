"""Drafts, publishing and versions: a published version never changes under a case filed against it."""

import pytest

from zerovisit.accounts.tests.factories import editor
from zerovisit.catalog import services
from zerovisit.catalog.models import ItemStatus, SearchTerm, ServiceItem
from zerovisit.core.errors import Conflict, PermissionDenied
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory

from .factories import ServiceItemFactory, published_item


@pytest.mark.django_db
def test_publishing_a_new_version_supersedes_the_old_one_and_leaves_it_unchanged():
    v1 = published_item(name="食品经营许可")
    draft = services.item_new_draft(actor=None, item=v1)
    draft.name = "食品经营许可（新）"
    services.item_save_draft(actor=None, item=draft)
    services.item_publish(actor=None, item=draft)

    v1.refresh_from_db()
    assert v1.status == ItemStatus.SUPERSEDED and v1.name == "食品经营许可"
    assert draft.version == 2 and draft.status == ItemStatus.PUBLISHED
    assert ServiceItem.objects.filter(impl_code=v1.impl_code).count() == 2


@pytest.mark.django_db
def test_a_new_version_copies_materials_and_themes():
    v1 = published_item()
    draft = services.item_new_draft(actor=None, item=v1)
    assert [m.name for m in draft.materials.all()] == [m.name for m in v1.materials.all()]
    assert draft.materials.first().pk != v1.materials.first().pk


@pytest.mark.django_db
def test_a_published_version_cannot_be_saved_as_a_draft():
    item = published_item()
    item.name = "改名"
    with pytest.raises(Conflict) as refused:
        services.item_save_draft(actor=None, item=item)
    assert refused.value.code == "item_not_draft"


@pytest.mark.django_db
def test_only_one_draft_at_a_time():
    v1 = published_item()
    services.item_new_draft(actor=None, item=v1)
    with pytest.raises(Conflict):
        services.item_new_draft(actor=None, item=v1)


@pytest.mark.django_db
def test_superseded_versions_leave_search():
    v1 = published_item(name="护照签发")
    draft = services.item_new_draft(actor=None, item=v1)
    services.item_publish(actor=None, item=draft)
    assert not SearchTerm.objects.filter(item=v1).exists()
    assert SearchTerm.objects.filter(item=draft, term="护照").exists()


@pytest.mark.django_db
def test_an_editor_changes_only_items_of_their_own_agency():
    own, other = AgencyFactory(), AgencyFactory()
    user = editor(own)
    services.item_save_draft(actor=user, item=ServiceItemFactory.build(agency=own))
    with pytest.raises(PermissionDenied):
        services.item_save_draft(actor=user, item=ServiceItemFactory.build(agency=other))


@pytest.mark.django_db
def test_a_regional_administrator_changes_items_of_every_agency_below_their_region():
    from zerovisit.accounts.models import Role
    from zerovisit.org.models import Level
    from zerovisit.org.tests.factories import RegionFactory

    city = RegionFactory()
    county = RegionFactory(code="320382000000", name="邳州市", level=Level.COUNTY, parent=city)
    other_city = RegionFactory(code="320100000000", name="南京市", level=Level.CITY)
    admin = editor(AgencyFactory(region=city), role=Role.REGION_CATALOGUE_ADMIN)
    assert services.can_edit_agency(admin, AgencyFactory(region=county))
    assert not services.can_edit_agency(admin, AgencyFactory(region=other_city))


@pytest.mark.django_db
def test_every_change_is_audited():
    item = published_item()
    actions = list(AuditEntry.objects.filter(object_id=str(item.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["catalog.item.publish", "catalog.item.save_draft"]


@pytest.mark.django_db
def test_a_draft_can_be_discarded_but_a_published_version_cannot():
    item = published_item()
    draft = services.item_new_draft(actor=None, item=item)
    services.item_discard_draft(actor=None, item=draft)
    assert not ServiceItem.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Conflict):
        services.item_discard_draft(actor=None, item=item)


@pytest.mark.django_db
def test_an_application_loads_the_current_version_in_one_query_once_cached(django_assert_num_queries):
    from zerovisit.catalog import selectors

    v1 = published_item(name="食品经营许可")
    loaded = selectors.item_for_application(v1.impl_code)
    assert loaded.pk == v1.pk and loaded.materials.all() is not None
    names = [m.name for m in v1.materials.order_by("order", "id")]
    with django_assert_num_queries(1):  # which version is current; the rest from the cache
        again = selectors.item_for_application(v1.impl_code)
        assert [m.name for m in again.materials.all()] == names
        assert again.agency.region.code and again.process_template.stages.all()
    draft = services.item_new_draft(actor=None, item=v1)
    services.item_publish(actor=None, item=draft)
    assert selectors.item_for_application(v1.impl_code).pk == draft.pk  # a new version is seen at once
    assert selectors.item_for_application("no-such-code") is None
