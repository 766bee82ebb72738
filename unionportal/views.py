from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from assistance.selectors import review_due_summary
from federations.selectors import home_overview


@login_required
def home(request):
    context = home_overview(user=request.user)
    context["hardship_review"] = review_due_summary(user=request.user)
    return render(request, "home.html", context)


def healthz(request):
    """For the container healthcheck: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
