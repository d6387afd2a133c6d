"""Pages of buildings, visitors, drills and plans, added to frontend.safety.urls (namespace frontend:safety)."""

from django.urls import path

from frontend.safety import agreement_views
from frontend.safety import campus_views as views

urlpatterns = [
    path("buildings/", views.buildings, name="buildings"),
    path("buildings/<int:pk>/", views.building, name="building"),
    path("visitors/", views.visitors, name="visitors"),
    path("visitors/log/", views.visitor_log, name="visitor-log"),
    path("visitors/<int:pk>/sign-out/", views.sign_out_visitor, name="sign-out-visitor"),
    path("drills/", views.drills, name="drills"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("documents/<str:kind>/<int:pk>/", views.document, name="document"),
    path("agreements/", agreement_views.agreements, name="agreements"),
    path("agreements/sign/", agreement_views.sign_own_agreement, name="sign-own-agreement"),
    path("agreements/upload/", agreement_views.upload_agreement, name="upload-agreement"),
]
