"""Factories for activities: they go through `activities.services`, so the rules hold in tests."""

import datetime

import factory

from activities import services
from activities.models import Activity


class ActivityFactory(factory.Factory):
    """Pass `federation=`. A held open event with 10 person-times on 2026-05-01 by default; pass
    `registration=True, person_times=None` for an event with check-ins."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"测试活动{n}")
    category = Activity.Category.CULTURE_SPORTS
    starts_on = datetime.date(2026, 5, 1)
    status = Activity.Status.HELD
    registration = False
    person_times = factory.LazyAttribute(lambda o: None if o.registration else 10)
    federation = None

    @classmethod
    def _create(cls, model_class, *args, actor=None, **kwargs):
        if kwargs.get("federation") is None:
            raise TypeError("ActivityFactory needs federation=")
        return services.activity_create(actor=actor, **kwargs)
