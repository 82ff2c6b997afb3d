"""The generator's run: the steps in order, ``generate``."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

from masterstudio.perf.generator.activities import ActivitySteps
from masterstudio.perf.generator.applications import ApplicationSteps
from masterstudio.perf.generator.assessments import AssessmentSteps
from masterstudio.perf.generator.audit import AuditSteps
from masterstudio.perf.generator.base import GeneratorBase
from masterstudio.perf.generator.context import Ctx, Scale
from masterstudio.perf.generator.ledger import LedgerSteps
from masterstudio.perf.generator.notices import NoticeSteps
from masterstudio.perf.generator.panels import PanelSteps
from masterstudio.perf.generator.people import PeopleSteps
from masterstudio.perf.generator.reviews import ReviewSteps
from masterstudio.perf.generator.revocations import RevocationSteps
from masterstudio.perf.generator.rounds import RoundSteps
from masterstudio.perf.generator.studios import StudioSteps


class Generator(
    PeopleSteps,
    RoundSteps,
    ApplicationSteps,
    ReviewSteps,
    PanelSteps,
    NoticeSteps,
    StudioSteps,
    AssessmentSteps,
    LedgerSteps,
    ActivitySteps,
    RevocationSteps,
    AuditSteps,
    GeneratorBase,
):
    """One run of the generator: the steps, in order, in one transaction."""

    def run(self) -> Ctx:
        steps = [
            ("accounts and units", self.accounts_and_units),
            ("people", self.people),
            ("rounds and rubrics", self.rounds),
            ("experts", self.experts),
            ("applications", self.applications),
            ("materials and files", self.materials),
            ("snapshots and reviews", self.reviews),
            ("expert panels and scores", self.application_panels),
            ("decisions and notices", self.notices),
            ("studios and grants", self.studios),
            ("assessments", self.assessments),
            ("special accounts and ledger", self.ledger),
            ("summaries and activities", self.summaries_and_activities),
            ("revocations and flags", self.revocations),
            ("notifications", self.notifications),
            ("audit trail", self.audit_trail),
        ]
        with transaction.atomic():
            for label, fn in steps:
                self.step(label, fn)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return self.c


def generate(seed: int, scale: Scale, *, log=print) -> Ctx:
    settings.MEDIA_ROOT  # noqa: B018  (the storage must be configured before files are written)
    return Generator(seed, scale, log=log).run()
