"""The recognition of studios (Art. 10, Art. 14): an application whose public notice ended without
a standing objection becomes a studio with its title, nameplate number and initial grant.

Floor 17 (docs/ARCHITECTURE.md, "The floors"): it uses the applications, studios and funding apps
below it and is called by the notices app above it, which gives it the notice's own refusal as a
value and marks its entries with what recognition returns; nothing here calls back."""
