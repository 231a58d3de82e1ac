from django.urls import path

app_name = "gates"
urlpatterns: list = [
    # Filled by the gate console, roster and incident views (fangkong/gates/views.py).
]
