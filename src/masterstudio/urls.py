from django.conf import settings
from django.urls import include, path

from masterstudio.api.urls import api

# no pattern starting with another's prefix, so the order does not change what matches: the busiest
# areas come first, because resolving walks the list in order.
urlpatterns = [
    path("", include("masterstudio.workspaces.urls")),
    path("dashboards/", include("masterstudio.dashboards.urls")),
    path("studios/", include("masterstudio.workspaces.studio_urls")),
    path("applications/", include("masterstudio.applications.urls")),
    path("review/", include("masterstudio.reviews.urls")),
    path("experts/", include("masterstudio.experts.urls")),
    path("notices/", include("masterstudio.notices.urls")),
    path("unit/", include("masterstudio.units.urls")),
    path("api/", api.urls),
    path("accounts/", include("masterstudio.accounts.urls")),
    path("policy/check/", include("masterstudio.selfcheck.urls")),
    path("manage/policy/", include("masterstudio.whatif.urls")),
    path("", include("masterstudio.catalog.urls")),
    path("", include("masterstudio.workspaces.occupation_urls")),
    path("summaries/", include("masterstudio.summaries.urls")),
    path("assessments/", include("masterstudio.assessments.urls")),
    path("recoveries/", include("masterstudio.recoveries.urls")),
    path("funding/", include("masterstudio.funding.urls")),
    path("ledger/", include("masterstudio.ledger.urls")),
    path("activities/", include("masterstudio.activities.urls")),
    path("evaluations/", include("masterstudio.evaluations.urls")),
    path("data/", include("masterstudio.dataio.urls")),
]

if settings.BENCH_ENDPOINTS:  # the benchmark's floor (docs/performance.md); absent otherwise
    urlpatterns.append(path("bench/", include("masterstudio.perf.urls")))

handler400 = "masterstudio.core.errorpages.error_400"
handler403 = "masterstudio.core.errorpages.error_403"
handler404 = "masterstudio.core.errorpages.error_404"
handler500 = "masterstudio.core.errorpages.error_500"
