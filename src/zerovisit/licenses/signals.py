"""What the licence library follows of the catalogue."""

from django.dispatch import receiver

from zerovisit.catalog.transfers import item_transferred

from .models import LicenseType


@receiver(item_transferred, dispatch_uid="licence-types-follow-transfers")
def issue_from_the_new_implementation(sender, old, new, **kwargs):
    """A licence type that an item's approval issued is issued by the item's implementation under the agency it
    was transferred to, as well (cases filed before the transfer are still decided under the old one)."""
    # A few hundred types, matched here as licences.services.types_issued_by does (alike on both databases); only
    # the matching ones are locked and changed.
    issuing = [t.pk for t in LicenseType.objects.only("issuing_items") if old.impl_code in t.issuing_items]
    for license_type in LicenseType.objects.select_for_update().filter(pk__in=issuing).order_by("pk"):
        if new.impl_code not in license_type.issuing_items:
            license_type.issuing_items = [*license_type.issuing_items, new.impl_code]
            license_type.save(update_fields=["issuing_items"])
