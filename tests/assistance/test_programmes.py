"""The eight aid programmes exist after every migrate and every flush."""

import pytest
from django.core.management import call_command

from assistance.models import AidProgram


@pytest.mark.django_db(transaction=True)
def test_an_emptied_database_has_its_aid_programmes_again():
    AidProgram.objects.filter(code="winter_warmth").update(max_amount=1500)
    # when the database is emptied, as a transactional test's end empties it
    call_command("flush", interactive=False, verbosity=0)
    # then the eight programmes are there again, with the rules
    assert AidProgram.objects.count() == 8
    assert AidProgram.objects.get(code="winter_warmth").max_amount == 2000
    assert AidProgram.objects.get(code="study_aid").requires_active_file


@pytest.mark.django_db
def test_programmes_the_office_edited_are_left_as_they_are():
    from django.apps import apps

    from assistance.apps import AssistanceConfig, ensure_programmes

    AidProgram.objects.filter(code="winter_warmth").update(max_amount=1500)
    ensure_programmes(sender=apps.get_app_config("assistance"))
    assert AidProgram.objects.get(code="winter_warmth").max_amount == 1500
    assert isinstance(apps.get_app_config("assistance"), AssistanceConfig)
