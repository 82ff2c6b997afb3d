"""The data generator: a realistic large installation, seeded and repeatable.

``manage.py generate_data --seed N --scale full`` builds five years of records (the current
year and the four before it): 3,000 units with their people and branches, 5,000 applications
with their materials (small real files on the storage), snapshots, material reviews, site visits,
expert panels and scores, decisions, public notices with objections, 600 studios with their
grants, disbursements, special accounts (100,000 ledger entries), annual summaries, assessments,
rectifications and revocations, activities and reports, notifications, and the audit trail as a
real hash chain that ``manage.py verify_audit`` accepts.

Volumes are written with ``bulk_create`` (the services would take hours for five years of data);
every row still passes the database's constraints, and the values follow the same rules the
services apply: Art. 7 keys are unique among open applications and live studios, states follow
the transition table, disbursed grants carry a voucher and a second person, excellent rewards
exist only for 优秀 years. The simulated year (``masterstudio.perf.simulate``) drives the services
themselves. The random choices come from ``random.Random(seed)``; dates are laid out around the
day of generation so that the current round is open and the current notice is running.
"""

from masterstudio.perf.generator.context import (
    BATCH,
    BENCH_PASSWORD,
    POLICY_FROM,
    SCALES,
    VERSION,
    Ctx,
    Scale,
    credit_code,
    id_number,
    shanghai,
)
from masterstudio.perf.generator.runner import Generator, generate

__all__ = [
    "BATCH",
    "BENCH_PASSWORD",
    "POLICY_FROM",
    "SCALES",
    "VERSION",
    "Ctx",
    "Generator",
    "Scale",
    "credit_code",
    "generate",
    "id_number",
    "shanghai",
]
