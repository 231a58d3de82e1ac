from django.urls import path

app_name = "passes"
urlpatterns: list = [
    # Filled by the printing and bulk-issue views (fangkong/passes/views.py).
]
