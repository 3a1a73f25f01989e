"""The scale-out test: several app servers and workers sharing PostgreSQL, Redis and an instance folder."""
