"""Factories shared by every app's tests."""

import factory
from django.contrib.auth import get_user_model

from federations import services as federation_services
from federations.models import Federation, Role, RoleAssignment

PASSWORD = "Correct-Horse-42"  # noqa: S105


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class FederationFactory(factory.Factory):
    """Builds nodes through the service, so the tree rules hold in tests too.
    Pass `parent=`; without one a district root is made."""

    class Meta:
        model = Federation

    code = factory.Sequence(lambda n: f"F{n:04d}")
    name = factory.Sequence(lambda n: f"测试街道总工会{n}")
    kind = Federation.Kind.STREET
    joint_scope = ""
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None and kwargs.get("kind") != Federation.Kind.DISTRICT:
            kwargs["kind"] = Federation.Kind.DISTRICT
        if kwargs.get("kind") == Federation.Kind.JOINT and not kwargs.get("joint_scope"):
            kwargs["joint_scope"] = Federation.JointScope.COMMUNITY
        return federation_services.federation_create(parent=parent, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(**kwargs)


def grant(user, federation, role=Role.STAFF):
    RoleAssignment.objects.create(user=user, federation=federation, role=role)
    if hasattr(user, "_role_paths"):
        del user._role_paths
    return user
