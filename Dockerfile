# Image for the web, worker and beat services of docker-compose.yml.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=unionportal.settings.production
# WeasyPrint: Pango, HarfBuzz subsetting (fast CJK font embedding) and the Noto CJK font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 portal
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY --from=assets /app/node_modules ./node_modules
COPY . .
RUN DATABASE_URL=postgres://build@localhost/build SECRET_KEY=build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/var/private && chown -R portal /app/var
USER portal
EXPOSE 8000
CMD ["gunicorn", "unionportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120", "--access-logfile", "-"]
