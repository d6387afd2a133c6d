"""School safety pages, under /s/<code>/safety/ (namespace frontend:safety)."""

from django.urls import path

from frontend.safety import template_views, urls_campus, views

app_name = "safety"

urlpatterns = [
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/start/", views.start_inspection, name="start-inspection"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("inspection-photos/<int:pk>/remove/", views.remove_inspection_photo, name="remove-inspection-photo"),
    path("hazards/", views.hazards, name="hazards"),
    path("hazards/report/", views.report_hazard, name="report-hazard"),
    path("hazards/<int:pk>/", views.hazard, name="hazard"),
    path("photos/<str:kind>/<int:pk>/", views.photo, name="photo"),
    # The school's side of the template library and who does which inspection.
    path("templates/", template_views.school_templates, name="school-templates"),
    path("templates/<int:pk>/", template_views.district_template, name="district-template"),
    path("local-templates/<int:pk>/", template_views.local_template, name="local-template"),
    path("responsibilities/", template_views.responsibilities, name="responsibilities"),
]

# Buildings, the visitor log, drills and emergency plans.
urlpatterns += urls_campus.urlpatterns
