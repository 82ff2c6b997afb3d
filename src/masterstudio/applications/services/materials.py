"""The unit's material files: upload (each file checked by content) and removal."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from masterstudio.applications.models import Material
from masterstudio.applications.services.base import ApplyError, ensure_editable, locked, material_items
from masterstudio.core.events import record_event
from masterstudio.core.uploads import check_upload


def upload_materials(application_id: int, item: str, uploads, *, actor) -> tuple[list[Material], list[str]]:
    """Store each valid file; a bad file is refused with its reason and does not stop the rest."""
    errors, stored = [], []
    with transaction.atomic():
        application = locked(application_id)
        ensure_editable(application, actor)
        if item not in {i["clause"] for i in material_items(application)}:
            raise ApplyError("材料项不存在，请刷新页面后重试")
        if not uploads:
            raise ApplyError("请选择要上传的文件")
        held = Material.objects.filter(application=application, item=item, removed_at__isnull=True).count()
        cap = settings.MATERIAL_MAX_FILES_PER_ITEM
        if held + len(uploads) > cap:
            raise ApplyError(
                f"每个材料项最多 {cap} 个文件：该项已有 {held} 个，本次选择了 {len(uploads)} 个。"
                "请删除不需要的文件，或把多页材料合并为一个 PDF 后上传"
            )
        for upload in uploads:
            try:
                kind, digest = check_upload(upload)
            except Exception as exc:  # ValidationError: report and go on with the next file
                errors.append(" ".join(getattr(exc, "messages", [str(exc)])))
                continue
            material = Material(
                application=application,
                item=item,
                original_name=upload.name[:255],
                token=uuid.uuid4().hex,
                kind=kind,
                size=upload.size,
                sha256=digest,
                uploaded_by=actor,
            )
            material.file.save(f"{material.token}.{kind}", upload, save=False)
            material.save()
            stored.append(material)
            record_event(
                "material.uploaded",
                obj=application,
                actor=actor,
                clause=item,
                data={"material": material.pk, "name": material.original_name, "sha256": digest},
            )
    return stored, errors


@transaction.atomic
def remove_material(material_id: int, *, actor) -> Material:
    material = Material.objects.get(pk=material_id)
    application = locked(material.application_id)
    ensure_editable(application, actor)
    if material.removed_at is None:
        Material.objects.filter(pk=material.pk).update(removed_at=timezone.now())
        record_event(
            "material.removed",
            obj=application,
            actor=actor,
            clause=material.item,
            data={"material": material.pk, "name": material.original_name},
        )
    return material
