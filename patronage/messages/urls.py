from django.urls import path

from patronage.messages import views

app_name = "messaging"

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/<str:token>/", views.opened, name="opened"),
    path("c/<str:token>/", views.clicked, name="clicked"),
]
