"""The floors (issue 19.1): the dependency order of the platform's apps, bottom to top. An app may
import only apps on lower floors, counting imports inside functions; the modules at the package's
root (settings, urls, wsgi) stand above every floor. ``tests/architecture/test_floors.py`` checks
every module against this list and docs/ARCHITECTURE.md ("The floors") shows it.

Nothing imports this module: it is the one place the order is written down."""

FLOORS: list[tuple[str, ...]] = [
    ("policy", "env", "formats"),
    ("core",),
    ("units",),
    ("accounts",),
    ("policytools",),
    ("catalog",),
    ("applications",),
    ("experts",),
    ("reviews",),
    ("studios",),
    ("funding",),
    ("ledger",),
    ("activities",),
    ("evaluations",),
    ("summaries",),
    ("assessments",),
    ("recoveries",),
    ("recognition",),
    ("notices",),
    ("dataio",),
    ("dashboards", "selfcheck", "api", "perf", "whatif", "workspaces"),
]

# the modules at the root of the package: above every floor (they wire the apps together)
TOP = ("settings", "settings_test", "urls", "wsgi", "floors")
