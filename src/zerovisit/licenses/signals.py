"""What the licence library follows of the catalogue."""

from django.dispatch import receiver

from zerovisit.catalog.transfers import item_transferred

from .models import LicenseType


@receiver(item_transferred, dispatch_uid="licence-types-follow-transfers")
def issue_from_the_new_implementation(sender, old, new, **kwargs):
    """A licence type that an item's approval issued is issued by the item's implementation under the agency it
    was transferred to, as well (cases filed before the transfer are still decided under the old one)."""
    for license_type in LicenseType.objects.select_for_update().all():
        if old.impl_code in license_type.issuing_items and new.impl_code not in license_type.issuing_items:
            license_type.issuing_items = [*license_type.issuing_items, new.impl_code]
            license_type.save(update_fields=["issuing_items"])
