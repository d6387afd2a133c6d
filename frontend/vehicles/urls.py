"""School vehicle pages, under /s/<code>/vehicles/ (namespace frontend:vehicles)."""

from django.urls import path

from frontend.vehicles import views

app_name = "vehicles"

urlpatterns = [
    path("", views.vehicle_list, name="vehicles"),
    path("<int:pk>/", views.vehicle, name="vehicle"),
    path("<int:pk>/checks/start/", views.start_check, name="start-check"),
    path("drivers/", views.driver_list, name="drivers"),
    path("drivers/<int:pk>/", views.driver, name="driver"),
    path("trips/", views.trip_list, name="trips"),
    path("trips/<int:pk>/", views.trip, name="trip"),
    path("trips/<int:pk>/start/", views.start_trip, name="start-trip"),
    path("trips/<int:pk>/close/", views.close_trip, name="close-trip"),
    path("trips/<int:pk>/correct-boarding/", views.correct_boarding, name="correct-boarding"),
    path("trips/<int:pk>/cancel/", views.cancel_trip, name="cancel-trip"),
]
