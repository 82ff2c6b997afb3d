"""What the catalogue tells the apps above it, which it does not import (the floors, issue 19.1).

``occupations_added``: sent inside the transaction that adds occupations to the staff catalogue,
with ``codes`` (the new codes). A receiver answers how many of its records it brought up to date;
the applications app connects one in its ``AppConfig.ready()`` that asks the engine again about
every application waiting on those codes."""

from django.dispatch import Signal

occupations_added = Signal()
