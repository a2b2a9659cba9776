"""Django's PostgreSQL backend, with one change to how rows are inserted in bulk (see compiler)."""
