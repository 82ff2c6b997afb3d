"""Writes of the applying capability (Art. 7–10), one module per seam; every state change goes
through ``APPLICATION_MACHINE.apply``.

    base         the refusal (ApplyError), the editable states, the row lock, who may edit, the
                 recipients of a notice, the material items
    prechecks    the stored pre-check; re-running it when the catalogue gains codes
    rounds       saving a round (Art. 8, Art. 20)
    drafts       the wizard's autosave, the people it adds
    copies       starting an application, reusing the unit's last one
    materials    uploading and removing material files
    submission   submission (Art. 7–10) and withdrawal
    staff        starting material review, 退回补正

The code of the platform imports the module it needs. The names below are re-exported on purpose,
as the package's public surface for scripts and tests (``services.submit(...)``); private helpers
(``_x``) are not.
"""

from masterstudio.applications.services.base import (
    EDITABLE_STATES,
    EVIDENCE_ITEMS,
    SECTION_ITEMS,
    STAFF_UNREAD,
    ApplyError,
    material_items,
    reviewers,
    settings_max_mb,
    unit_recipients,
)
from masterstudio.applications.services.copies import start_application
from masterstudio.applications.services.drafts import add_person, save_draft, stored_draft
from masterstudio.applications.services.materials import remove_material, upload_materials
from masterstudio.applications.services.prechecks import rerun_for_codes, store_precheck
from masterstudio.applications.services.rounds import save_round
from masterstudio.applications.services.staff import (
    notify_state_change,
    return_for_supplement,
    start_material_review,
    start_material_review_within,
)
from masterstudio.applications.services.submission import submit, withdraw

__all__ = [
    "EDITABLE_STATES",
    "EVIDENCE_ITEMS",
    "SECTION_ITEMS",
    "STAFF_UNREAD",
    "ApplyError",
    "add_person",
    "material_items",
    "notify_state_change",
    "remove_material",
    "rerun_for_codes",
    "return_for_supplement",
    "reviewers",
    "save_draft",
    "save_round",
    "settings_max_mb",
    "start_application",
    "stored_draft",
    "start_material_review",
    "start_material_review_within",
    "store_precheck",
    "submit",
    "unit_recipients",
    "upload_materials",
    "withdraw",
]
