from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0008, whose update of applicants would leave PostgreSQL's deferred foreign-key checks pending on
    the table this alters."""

    dependencies = [
        ("accounts", "0008_identity"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='applicant',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'person')), fields=('user',), name='applicant_one_person_per_account'),
        ),
    ]
