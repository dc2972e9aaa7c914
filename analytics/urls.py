from django.urls import path

from analytics import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_index, name="index"),
    path("model/", views.about_the_model, name="model"),
    path("<slug:table>.csv", views.report_table_csv, name="table-csv"),
]
