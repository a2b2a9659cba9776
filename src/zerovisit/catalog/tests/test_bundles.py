"""A bundle (一件事) is checked as a whole when it is saved: what it names exists and is published, its form feeds
its members' forms, its members do not wait for each other in a circle, its limit is within the law's."""

import json

import pytest

from zerovisit.accounts.models import Role
from zerovisit.accounts.tests.factories import editor
from zerovisit.cases.tests.factories import founding_bundle
from zerovisit.catalog import bundles
from zerovisit.catalog.models import Bundle, BundleMember
from zerovisit.catalog.transfers import carry_out_due_transfers, plan_transfer
from zerovisit.core.errors import PermissionDenied
from zerovisit.core.models import AuditEntry
from zerovisit.org.tests.factories import AgencyFactory, xuzhou_places


@pytest.fixture
def founding(agency):
    return founding_bundle(agency, AgencyFactory(name="徐州市公安局"), AgencyFactory(name="徐州市人社局"))


def members_of(items, **changes):
    members = [
        {"position": 1, "impl_code": items["营业执照"].impl_code, "field_map": {"企业名称": "企业名称"}},
        {
            "position": 2,
            "impl_code": items["印章刻制备案"].impl_code,
            "after": [1],
            "field_map": {"单位名称": "企业名称"},
        },
        {"position": 3, "impl_code": items["社保登记"].impl_code},
    ]
    for position, change in changes.items():
        members[int(position[1:]) - 1].update(change)
    return members


def save(agency, items, members, **fields):
    arguments = {"actor": None, "code": "qiye-kaiban", "name": "企业开办", "region": agency.region,
                 "audience": "legal", "promised_days": 8, "members": members,
                 "form_fields": [{"label": "企业名称", "type": "text", "required": True}], **fields}  # fmt: skip
    with pytest.raises(bundles.BundleRefused) as refused:
        bundles.save_bundle(**arguments)
    return {e["code"] for e in refused.value.errors}


def test_a_saved_bundle_keeps_its_members_in_order_and_is_audited(founding):
    bundle, _items = founding
    assert [(m.position, m.name, m.after) for m in bundle.members.all()] == [
        (1, "营业执照", []), (2, "印章刻制备案", [1]), (3, "社保登记", []),
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="catalog.bundle.create", object_id=str(bundle.pk)).exists()


def test_a_mapping_that_names_a_missing_field_is_refused_and_nothing_changes(agency, founding):
    bundle, items = founding
    wrong = members_of(items, m1={"field_map": {"企业名称": "名称"}}, m2={"field_map": {"地址": "企业名称"}})
    assert save(agency, items, wrong) == {"missing_field", "unknown_member_field", "unmapped_required_field"}
    assert [m.field_map for m in BundleMember.objects.filter(bundle=bundle)][:2] == [
        {"企业名称": "企业名称"}, {"单位名称": "企业名称"},
    ]  # fmt: skip


def test_a_field_of_another_type_cannot_feed_a_member(agency, founding):
    _bundle, items = founding
    assert save(agency, items, members_of(items), form_fields=[
        {"label": "企业名称", "type": "integer", "required": True},
    ]) == {"field_type_mismatch"}  # fmt: skip


def test_members_that_wait_for_each_other_in_a_circle_are_refused(agency, founding):
    _bundle, items = founding
    circle = members_of(items, m1={"after": [2]})
    assert save(agency, items, circle) == {"dependency_cycle"}
    assert save(agency, items, members_of(items, m3={"after": [9]})) == {"unknown_dependency"}


def test_a_member_that_is_not_published_is_refused(agency, founding):
    _bundle, items = founding
    assert save(agency, items, members_of(items, m3={"impl_code": "NOTANITEM"})) == {"item_not_published"}


def test_the_promised_limit_is_within_the_law_along_the_longest_chain(agency, founding):
    _bundle, items = founding
    assert save(agency, items, members_of(items), promised_days=41) == {"promised_over_legal"}  # 20 + 20 days
    bundles.save_bundle(actor=None, code="qiye-kaiban", name="企业开办", region=agency.region, audience="legal",
                        promised_days=40, members=members_of(items),
                        form_fields=[{"label": "企业名称", "type": "text", "required": True}])  # fmt: skip
    assert Bundle.objects.get().promised_days == 40


def test_only_a_regional_catalogue_administrator_authors_bundles(agency, founding):
    _bundle, items = founding
    for role in (Role.CATALOGUE_EDITOR, Role.ACCEPTOR):
        with pytest.raises(PermissionDenied):
            bundles.save_bundle(actor=editor(agency, role=role), code="x", name="x", region=agency.region,
                                audience="legal", promised_days=5, members=members_of(items))  # fmt: skip
    admin = editor(agency, role=Role.REGION_CATALOGUE_ADMIN)
    assert bundles.save_bundle(actor=admin, code="x", name="企业开办", region=agency.region, audience="legal",
                               promised_days=5, members=members_of(items), form_fields=[
                                   {"label": "企业名称", "type": "text", "required": True}]).pk  # fmt: skip


def test_a_member_follows_its_item_when_the_power_is_transferred(clock, agency, founding):
    bundle, items = founding
    police = items["印章刻制备案"].agency
    receiving = AgencyFactory(name="徐州市公安局治安支队", region=police.region)
    plan_transfer(actor=None, kind="delegation", document="关于调整印章备案的通知", document_number="徐公〔2026〕1号",
                  effective_on=clock.now.date(), from_agency=police, to_agency=receiving,
                  impl_codes=[items["印章刻制备案"].impl_code])  # fmt: skip
    carry_out_due_transfers(clock.now.date())
    moved = BundleMember.objects.get(bundle=bundle, position=2)
    assert moved.impl_code.startswith(receiving.credit_code) and moved.impl_code != items["印章刻制备案"].impl_code


def test_published_bundles_are_those_of_the_place_and_above(agency, founding):
    bundle, items = founding
    places = xuzhou_places()
    tongshan = bundles.save_bundle(actor=None, code="tongshan", name="铜山区企业开办", region=places["tongshan"],
                                   audience="legal", promised_days=5, members=members_of(items),
                                   form_fields=bundle.form_fields)  # fmt: skip
    assert set(bundles.published_bundles(places["liuxin"])) == {bundle, tongshan}
    assert list(bundles.published_bundles(places["xinyi"])) == [bundle]
    assert bundles.published_bundle("tongshan") == tongshan and bundles.published_bundle("nope") is None


def admin_post(bundle, **changes):
    """The admin's change form of the bundle, as a browser sends it, with `changes`."""
    data = {"code": bundle.code, "name": bundle.name, "description": "", "region": bundle.region.pk,
            "audience": "legal", "form_fields": json.dumps(bundle.form_fields, ensure_ascii=False),
            "promised_days": "8", "on_refusal": "continue", "published": "on",
            "members-TOTAL_FORMS": "3", "members-INITIAL_FORMS": "3", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for n, member in enumerate(bundle.members.all()):
        data |= {f"members-{n}-id": member.pk, f"members-{n}-bundle": bundle.pk,
                 f"members-{n}-position": member.position, f"members-{n}-impl_code": member.impl_code,
                 f"members-{n}-after": json.dumps(member.after), f"members-{n}-field_map": json.dumps(
                     member.field_map, ensure_ascii=False)}  # fmt: skip
    return {**data, **changes}


def test_a_regional_administrator_edits_a_bundle_in_the_admin_and_a_circle_is_refused(client, agency, founding):
    bundle, _items = founding
    path = f"/admin/catalog/bundle/{bundle.pk}/change/"
    client.force_login(editor(agency, role=Role.CATALOGUE_EDITOR))
    assert client.get(path).status_code == 403
    client.force_login(editor(agency, role=Role.REGION_CATALOGUE_ADMIN))
    assert "印章刻制备案" in client.get(path).content.decode()
    circle = client.post(path, admin_post(bundle, **{"members-0-after": "[2]"}))
    assert circle.status_code == 200 and "形成循环" in circle.content.decode()
    assert BundleMember.objects.get(bundle=bundle, position=1).after == []
    saved = client.post(path, admin_post(bundle, promised_days="5"))
    assert saved.status_code == 302 and Bundle.objects.get().promised_days == 5
    assert AuditEntry.objects.filter(action="catalog.bundle.change", object_id=str(bundle.pk)).exists()
