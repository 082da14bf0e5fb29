"""Lookups on integer columns that answer "nothing" (or "everything") for integers no column can hold.

Django does so for ``exact``, ``gt``, ``gte``, ``lt`` and ``lte`` on integer fields, but not for ``__in`` nor
for relations (``organisation=…``, and the primary key of a page type, ``page_ptr``): SQLite then refuses to
bind an integer above 2**63 - 1 and the request ends in an ``OverflowError``. Forms (a choice is looked up with
``pk=…``, a multiple choice with ``pk__in=…``) and Wagtail's choosers (``?id=…``) pass typed-in ids straight to
these lookups, so an identifier such as 99999999999999999999 was a server error on SQLite. No row can match
such a value on any database, so the results do not change."""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import (
    RelatedExact,
    RelatedGreaterThan,
    RelatedGreaterThanOrEqual,
    RelatedIn,
    RelatedLessThan,
    RelatedLessThanOrEqual,
)
from django.db.models.lookups import In

INT64 = range(-(2**63), 2**63)


def _outside(value) -> bool:
    return isinstance(value, int) and value not in INT64


class StorableIntegersOnly:
    """``__in``: integers outside the range are left out (none left: no row)."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            self.rhs = [value for value in self.rhs if not _outside(value)]
        return super().process_rhs(compiler, connection)


class IntegerBounds:
    """A comparison with an integer outside the range is decided without asking the database."""

    below = above = EmptyResultSet

    def process_rhs(self, compiler, connection):
        if _outside(self.rhs):
            raise self.below if self.rhs < 0 else self.above
        return super().process_rhs(compiler, connection)


class IntegerIn(StorableIntegersOnly, In):
    pass


class IntegerRelatedIn(StorableIntegersOnly, RelatedIn):
    pass


class IntegerRelatedExact(IntegerBounds, RelatedExact):
    pass


class IntegerRelatedGreaterThan(IntegerBounds, RelatedGreaterThan):
    below = FullResultSet


class IntegerRelatedGreaterThanOrEqual(IntegerBounds, RelatedGreaterThanOrEqual):
    below = FullResultSet


class IntegerRelatedLessThan(IntegerBounds, RelatedLessThan):
    above = FullResultSet


class IntegerRelatedLessThanOrEqual(IntegerBounds, RelatedLessThanOrEqual):
    above = FullResultSet


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    for lookup in (
        IntegerRelatedIn,
        IntegerRelatedExact,
        IntegerRelatedGreaterThan,
        IntegerRelatedGreaterThanOrEqual,
        IntegerRelatedLessThan,
        IntegerRelatedLessThanOrEqual,
    ):
        ForeignObject.register_lookup(lookup)
