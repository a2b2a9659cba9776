"""The case tally (CaseTally) and the triggers that keep it; filled from the cases there are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Each row of cases_case counts +1 for its (agency, status, channel); a change of any of the three moves it. On
# SQLite a delete counts only while the tally has rows: a test database is emptied table by table, and the cases
# emptied after the tally must not leave −1 rows behind (a live database never deletes a case without a tally row).
POSTGRESQL = """
CREATE FUNCTION cases_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO cases_casetally (agency_id, status, channel, n) VALUES (OLD.agency_id, OLD.status, OLD.channel, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO cases_casetally (agency_id, status, channel, n) VALUES (NEW.agency_id, NEW.status, NEW.channel, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_tally_insert_delete AFTER INSERT OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION cases_tally();
CREATE TRIGGER cases_tally_update AFTER UPDATE OF agency_id, status, channel ON cases_case FOR EACH ROW
    WHEN ((OLD.agency_id, OLD.status, OLD.channel) IS DISTINCT FROM (NEW.agency_id, NEW.status, NEW.channel))
    EXECUTE FUNCTION cases_tally();
"""
POSTGRESQL_REVERSE = """
DROP TRIGGER cases_tally_update ON cases_case;
DROP TRIGGER cases_tally_insert_delete ON cases_case;
DROP FUNCTION cases_tally();
"""
SQLITE = [
    """CREATE TRIGGER cases_tally_insert AFTER INSERT ON cases_case BEGIN
        INSERT INTO cases_casetally (agency_id, status, channel, n) VALUES (NEW.agency_id, NEW.status, NEW.channel, 1);
    END""",
    """CREATE TRIGGER cases_tally_update AFTER UPDATE OF agency_id, status, channel ON cases_case
    WHEN OLD.agency_id IS NOT NEW.agency_id OR OLD.status IS NOT NEW.status OR OLD.channel IS NOT NEW.channel BEGIN
        INSERT INTO cases_casetally (agency_id, status, channel, n)
            VALUES (OLD.agency_id, OLD.status, OLD.channel, -1), (NEW.agency_id, NEW.status, NEW.channel, 1);
    END""",
    """CREATE TRIGGER cases_tally_delete AFTER DELETE ON cases_case WHEN EXISTS (SELECT 1 FROM cases_casetally) BEGIN
        INSERT INTO cases_casetally (agency_id, status, channel, n) VALUES (OLD.agency_id, OLD.status, OLD.channel, -1);
    END""",
]
SQLITE_REVERSE = ["DROP TRIGGER cases_tally_insert", "DROP TRIGGER cases_tally_update", "DROP TRIGGER cases_tally_delete"]
FILL = """
INSERT INTO cases_casetally (agency_id, status, channel, n)
SELECT agency_id, status, channel, COUNT(*) FROM cases_case GROUP BY agency_id, status, channel
"""


def create_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in [POSTGRESQL] if schema_editor.connection.vendor == "postgresql" else SQLITE:
            cursor.execute(statement)
        cursor.execute(FILL)


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in [POSTGRESQL_REVERSE] if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE:
            cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_region_supervisor'),
        ('cases', '0009_frozen_process'),
        ('catalog', '0005_region_supervisor'),
        ('org', '0003_seal_sm2'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('submitted', 'Submitted, awaiting acceptance'), ('correction', 'Awaiting correction'), ('accepted', 'Accepted, in handling'), ('suspended', 'Suspended for a special procedure'), ('approved', 'Approved'), ('denied', 'Denied'), ('refused', 'Not accepted'), ('filed', 'Filed'), ('withdrawn', 'Withdrawn'), ('revoked', 'Revoked')], max_length=12)),
                ('channel', models.CharField(choices=[('web', 'Web'), ('mobile', 'Mobile'), ('kiosk', '24-hour kiosk'), ('window', 'Service window'), ('proxy', 'Proxy agent')], max_length=10)),
                ('n', models.IntegerField()),
            ],
        ),
        migrations.AlterField(
            model_name='case',
            name='item',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='catalog.serviceitem', verbose_name='item'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['item', '-submitted_at'], name='case_item_recent'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['-submitted_at'], name='case_recent'),
        ),
        migrations.AddField(
            model_name='casetally',
            name='agency',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='org.agency'),
        ),
        migrations.AddIndex(
            model_name='casetally',
            index=models.Index(fields=['agency', 'status', 'channel'], name='casetally_key'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
