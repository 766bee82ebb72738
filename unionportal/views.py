from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from federations.selectors import home_overview


@login_required
def home(request):
    return render(request, "home.html", home_overview(user=request.user))


def healthz(request):
    """For the container healthcheck: the app answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
