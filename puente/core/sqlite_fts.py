"""Searches through Wagtail's SQLite backend (the admin's page, image and document searches, choosers) with a
double quote in a word.

The backend quotes each word for SQLite's full-text MATCH (``"word"``) but leaves a ``"`` inside the word as
it is, which ends the string early: SQLite answers "fts5: syntax error" and the search a server error. In an
FTS5 string a double quote is written twice; this does so."""


def patch_quoting() -> None:
    from django.db import connection

    if connection.vendor != "sqlite":  # the SQLite backend's modules only load on SQLite
        return
    from modelsearch.backends.database.sqlite.query import Lexeme

    if getattr(Lexeme.as_sql, "doubles_quotes", False):
        return
    as_sql = Lexeme.as_sql

    def as_sql_with_quotes_doubled(self, compiler, connection):
        sql, params = as_sql(self, compiler, connection)
        return sql, [param.replace('"', '""') for param in params]

    as_sql_with_quotes_doubled.doubles_quotes = True
    Lexeme.as_sql = as_sql_with_quotes_doubled
