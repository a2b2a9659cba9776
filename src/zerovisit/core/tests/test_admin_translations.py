"""The admin in Chinese, the labels of the packages that ship no Chinese (django-axes, django-tasks) included."""

import pytest
from django.conf import settings

from zerovisit.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_the_admin_shows_the_login_lock_and_task_tables_in_chinese(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    index = client.get("/" + settings.ADMIN_PATH).content.decode()
    assert "访问尝试" in index and "访问日志" in index and "任务结果" in index
    assert "组" in index and "Access attempts" not in index and "Task Results" not in index
    tasks = client.get("/" + settings.ADMIN_PATH + "django_tasks_database/dbtaskresult/").content.decode()
    assert "就绪" in tasks and "运行中" in tasks  # the statuses of the filter


def test_the_columns_of_the_task_and_lockout_tables_are_in_chinese():
    from axes.models import AccessAttempt
    from django.utils import translation
    from django_tasks_db.models import DBTaskResult

    with translation.override("zh-hans"):
        assert str(DBTaskResult._meta.get_field("enqueued_at").verbose_name) == "入队时间"
        assert str(AccessAttempt._meta.get_field("failures_since_start").verbose_name) == "登录失败次数"
