"""Scratch PostgreSQL databases for tests that run the real server or real tools on their own DB.

The suite's DATABASE_URL names a database that need not exist (pytest-django creates test_<name>),
so databases are created and dropped through the server's ``postgres`` maintenance database.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def create_database(url: str, name: str) -> str:
    """A fresh, empty database ``name`` on the server of ``url``; returns its URL."""
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop_database(url: str, name: str) -> None:
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
