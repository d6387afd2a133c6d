"""The school's assets pages, under /s/<code>/assets/ (namespace frontend:assets)."""

from django.urls import path

from frontend.assets import other_views, stocktake_views, views

app_name = "assets"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("count/", views.ledger_count, name="ledger-count"),
    path("new/", views.register, name="register"),
    path("export.xlsx", views.export_ledger, name="export"),
    path("export-finance.xlsx", views.export_finance, name="export-finance"),
    path("labels/", views.label_sheet, name="labels"),
    path("n/<str:number>/", views.by_label, name="label"),
    path("transfer/", views.transfer_many, name="transfer-many"),
    path("<int:asset_id>/", views.asset, name="asset"),
    path("<int:asset_id>/edit/", views.edit, name="edit"),
    path("<int:asset_id>/issue/", views.issue, name="issue"),
    path("<int:asset_id>/reclaim/", views.reclaim, name="reclaim"),
    path("<int:asset_id>/borrow/", views.borrow, name="borrow"),
    path("<int:asset_id>/return/", views.give_back, name="return"),
    path("<int:asset_id>/transfer/", views.transfer, name="transfer"),
    path("<int:asset_id>/repair-out/", views.repair_out, name="repair-out"),
    path("<int:asset_id>/repair-back/", views.repair_back, name="repair-back"),
    path("<int:asset_id>/damage/", views.damage, name="damage"),
    path("<int:asset_id>/dispose/", views.dispose, name="dispose"),
    path("<int:asset_id>/attachments/", views.upload_attachment, name="upload-attachment"),
    path("<int:asset_id>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("damage-reports/<int:report_id>/paid/", views.compensation_paid, name="compensation-paid"),
    path("disposals/", views.disposals, name="disposals"),
    path(
        "disposals/<int:request_id>/approve/",
        views.decide_disposal,
        {"decision": "approve"},
        name="approve-disposal",
    ),
    path(
        "disposals/<int:request_id>/reject/",
        views.decide_disposal,
        {"decision": "reject"},
        name="reject-disposal",
    ),
    path("disposals/<int:request_id>/outcome/", views.disposal_outcome, name="disposal-outcome"),
    path("stocktakes/", stocktake_views.stocktakes, name="stocktakes"),
    path("stocktakes/<int:stocktake_id>/", stocktake_views.stocktake, name="stocktake"),
    path("stocktakes/<int:stocktake_id>/count/", stocktake_views.count, name="count"),
    path("stocktakes/<int:stocktake_id>/gain/", stocktake_views.gain, name="gain"),
    path(
        "stocktakes/<int:stocktake_id>/mark-uncounted/", stocktake_views.mark_uncounted, name="mark-uncounted"
    ),
    path("stocktakes/<int:stocktake_id>/close/", stocktake_views.close, name="close-stocktake"),
    path("stocktakes/<int:stocktake_id>/export.xlsx", stocktake_views.export, name="export-stocktake"),
    path("consumables/", other_views.consumables, name="consumables"),
    path("consumables/<int:consumable_id>/", other_views.consumable, name="consumable"),
    path("locations/", other_views.locations, name="locations"),
    path("classes/", other_views.classes, name="classes"),
    path("classes/<int:class_id>/teacher/", other_views.class_teacher, name="class-teacher"),
    path("classes/<int:class_id>/list/", other_views.generate_list, name="generate-list"),
    path("lists/<int:list_id>/", other_views.property_list, name="property-list"),
    path("import/", other_views.imports, name="imports"),
    path("import/template.xlsx", other_views.import_template, name="import-template"),
    path("import/<int:job_id>/", other_views.import_job, name="import"),
    path("import/<int:job_id>/confirm/", other_views.confirm_import, name="confirm-import"),
]
