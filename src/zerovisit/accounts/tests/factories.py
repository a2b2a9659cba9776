import factory

from zerovisit.accounts.models import Role, StaffRole, User

PASSWORD = "Correct-Horse-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            StaffRole.objects.create(user=self, role=role)
        self.save()


def editor(agency, role=Role.CATALOGUE_EDITOR, **kwargs) -> User:
    return UserFactory(agency=agency, is_staff=True, roles=[role], **kwargs)
