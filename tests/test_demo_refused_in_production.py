"""The demo and scale-data loaders refuse to run under the production settings."""

import pytest
from django.core.management import CommandError, call_command

from federations.models import Federation


@pytest.mark.django_db
@pytest.mark.parametrize(
    "command", ["seed_demo", "seed_demo_activities", "seed_assistance_demo", "generate_scale_data"]
)
def test_a_demo_loader_under_production_settings_writes_nothing(settings, command):
    settings.SETTINGS_MODULE = "unionportal.settings.production"
    with pytest.raises(CommandError, match="生产"):
        call_command(command)
    assert not Federation.objects.exists()


@pytest.mark.django_db
def test_settings_configured_in_code_count_as_not_production(settings):
    from common.commands import is_production

    settings.SETTINGS_MODULE = None
    assert is_production() is False
